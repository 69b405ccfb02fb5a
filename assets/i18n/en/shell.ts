<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="vi_VN">
<context>
    <name>LanguageSwitch</name>
    <message>
        <location filename="../../../ui/widgets/language_switch.py" line="+66"/>
        <source>Ngôn ngữ</source>
        <translation>Language</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chọn ngôn ngữ hiển thị</source>
        <translation>Choose the display language</translation>
    </message>
</context>
<context>
    <name>OfflineBanner</name>
    <message>
        <location filename="../../../ui/widgets/offline_banner.py" line="+105"/>
        <source>Thiết bị chưa được đăng ký với máy chủ tiếp nhận</source>
        <translation>This device is not enrolled with the intake server</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đồng hồ của máy sai: máy chủ từ chối hồ sơ</source>
        <translation>This machine&apos;s clock is wrong: the server refuses submissions</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Máy chủ từ chối chữ ký của thiết bị</source>
        <translation>The server refuses this device&apos;s signature</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n hồ sơ đang chờ gửi</source>
        <translation>
            <numerusform>%n submission waiting to be sent</numerusform>
            <numerusform>%n submissions waiting to be sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>Mất kết nối — %n hồ sơ đang chờ gửi</source>
        <translation>
            <numerusform>Offline — %n submission waiting to be sent</numerusform>
            <numerusform>Offline — %n submissions waiting to be sent</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mất kết nối — hồ sơ sẽ được lưu và tự gửi khi có mạng</source>
        <translation>Offline — submissions are saved and sent when the connection returns</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Đang gửi %n hồ sơ…</source>
        <translation>
            <numerusform>Sending %n submission…</numerusform>
            <numerusform>Sending %n submissions…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n hồ sơ lỗi cần người vận hành xử lý</source>
        <translation>
            <numerusform>%n failed submission needs an operator</numerusform>
            <numerusform>%n failed submissions need an operator</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OperatorScreen</name>
    <message numerus="yes">
        <location filename="../../../ui/operator_screen.py" line="+560"/>
        <source>Sai mã PIN. Còn %n lần thử.</source>
        <translation>
            <numerusform>Wrong PIN. %n attempt left.</numerusform>
            <numerusform>Wrong PIN. %n attempts left.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Nhập sai quá nhiều lần. Thử lại sau %n giây.</source>
        <translation>
            <numerusform>Too many wrong PINs. Try again in %n second.</numerusform>
            <numerusform>Too many wrong PINs. Try again in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chưa đặt mã PIN người vận hành: thêm [ui] operator_pin_hash vào tệp cấu hình (tạo bằng lệnh: kiosk pin-hash).</source>
        <translation>No operator PIN is set: add [ui] operator_pin_hash to the configuration file (make it with: kiosk pin-hash).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mã băm PIN trong cấu hình không hợp lệ.</source>
        <translation>The PIN hash in the configuration is not valid.</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Không có đầu đọc thẻ nào. Kiểm tra cáp USB và dịch vụ pcscd.</source>
        <translation>No card reader. Check the USB cable and the pcscd service.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1: có thẻ</source>
        <translation>%1: card present</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: không có thẻ</source>
        <translation>%1: no card</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Không đọc được kho tin cậy (%1).</source>
        <translation>Cannot read the trust store (%1).</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n chứng thư CSCA</source>
        <translation>
            <numerusform>%n CSCA certificate</numerusform>
            <numerusform>%n CSCA certificates</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>trong đó %n đã hết hạn</source>
        <translation>
            <numerusform>of which %n has expired</numerusform>
            <numerusform>of which %n have expired</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Danh sách chủ (master list) mới nhất: %1</source>
        <translation>Newest master list: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chưa nhập danh sách chủ (master list)</source>
        <translation>No master list imported</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Không mở được hàng đợi (%1).</source>
        <translation>Cannot open the outbox (%1).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Đang chờ gửi: %1</source>
        <translation>Queued: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang gửi: %1</source>
        <translation>Sending: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã gửi: %1</source>
        <translation>Sent: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lỗi, cần xử lý: %1</source>
        <translation>Failed, need an operator: %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hồ sơ chờ lâu nhất: %1</source>
        <translation>Oldest pending: %1</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%n hồ sơ bị giữ lại sau hồ sơ lỗi</source>
        <translation>
            <numerusform>%n submission held behind a failed one</numerusform>
            <numerusform>%n submissions held behind a failed one</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Chưa rõ</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Có kết nối tới máy chủ tiếp nhận</source>
        <translation>Connected to the intake server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mất kết nối tới máy chủ tiếp nhận</source>
        <translation>No connection to the intake server</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chưa kiểm tra kết nối</source>
        <translation>Connection not checked yet</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Từ: %1 (giờ Việt Nam, %2)</source>
        <translation>Since: %1 (Vietnam time, %2)</translation>
    </message>
    <message numerus="yes">
        <location line="+99"/>
        <source>Đã gửi %1 / %n hồ sơ đến hạn.</source>
        <translation>
            <numerusform>Sent %1 of %n submission due.</numerusform>
            <numerusform>Sent %1 of %n submissions due.</numerusform>
        </translation>
    </message>
    <message>
        <location line="-95"/>
        <source>Lỗi gần nhất: %1</source>
        <translation>Last error: %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Mã thiết bị: %1</source>
        <translation>Device id: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Chưa đăng ký với máy chủ: chạy kiosk enroll</source>
        <translation>Not enrolled with the server: run kiosk enroll</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Máy chủ từ chối: đồng hồ của máy sai, hãy chỉnh giờ</source>
        <translation>Refused by the server: this machine&apos;s clock is wrong, set the time</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Máy chủ từ chối chữ ký của thiết bị</source>
        <translation>The server refuses this device&apos;s signature</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Máy chủ chưa từ chối thiết bị lần nào</source>
        <translation>The server has not refused this device</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chưa biết trạng thái đăng ký (chưa gửi được hồ sơ nào)</source>
        <translation>Enrolment not known yet (nothing delivered so far)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Giọng đọc: bật (%1)</source>
        <translation>Spoken prompts: on (%1)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Giọng đọc: bật trong cấu hình nhưng không có giọng tiếng Việt (cài speech-dispatcher và một giọng tiếng Việt)</source>
        <translation>Spoken prompts: on in the configuration, but no Vietnamese voice (install speech-dispatcher and a Vietnamese voice)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Giọng đọc: tắt</source>
        <translation>Spoken prompts: off</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chế độ trình diễn: dữ liệu giả, máy chủ cục bộ</source>
        <translation>Demo mode: fake data, local server</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n giây</source>
        <translation>
            <numerusform>%n second</numerusform>
            <numerusform>%n seconds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n phút</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n giờ</source>
        <translation>
            <numerusform>%n hour</numerusform>
            <numerusform>%n hours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+55"/>
        <source>Đã đưa %n hồ sơ lỗi trở lại hàng đợi.</source>
        <translation>
            <numerusform>%n failed submission is back in the queue.</numerusform>
            <numerusform>%n failed submissions are back in the queue.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Không đưa lại được hồ sơ lỗi vào hàng đợi.</source>
        <translation>Could not requeue the failed submissions.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang gửi…</source>
        <translation>Sending…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Không kết nối được máy chủ: hồ sơ vẫn nằm an toàn trong hàng đợi.</source>
        <translation>Cannot reach the server: the submissions stay safe in the queue.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gửi không thành công.</source>
        <translation>Sending failed.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Nhấn lần nữa để thoát</source>
        <translation>Press again to exit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thoát ứng dụng</source>
        <translation>Exit the application</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Khu vực người vận hành</source>
        <translation>Operator area</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nhập mã PIN người vận hành</source>
        <translation>Enter the operator PIN</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Mã PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Xoá hết</source>
        <translation>Clear</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Xoá</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+12"/>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Mở</source>
        <translation>Open</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trình diễn: mã PIN là %1</source>
        <translation>Demo: the PIN is %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trạng thái thiết bị</source>
        <translation>Device status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đầu đọc thẻ</source>
        <translation>Card readers</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kho tin cậy</source>
        <translation>Trust store</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hàng đợi gửi hồ sơ</source>
        <translation>Submission outbox</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kết nối</source>
        <translation>Connection</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thiết bị</source>
        <translation>Device</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gửi lại hồ sơ lỗi</source>
        <translation>Retry failed submissions</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gửi ngay</source>
        <translation>Send now</translation>
    </message>
</context>
</TS>
