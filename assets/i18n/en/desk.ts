<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="vi_VN">
<context>
    <name>CitizenPanel</name>
    <message>
        <location filename="../../../ui/widgets/citizen_panel.py" line="+270"/>
        <source>Chưa có thông tin công dân.</source>
        <translation>No citizen data yet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Số định danh</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Họ, chữ đệm và tên</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ngày sinh</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Giới tính</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quốc tịch</source>
        <translation>Nationality</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dân tộc</source>
        <translation>Ethnicity</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tôn giáo</source>
        <translation>Religion</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quê quán</source>
        <translation>Place of origin</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nơi thường trú</source>
        <translation>Permanent residence</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đặc điểm nhận dạng</source>
        <translation>Identifying features</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ngày cấp</source>
        <translation>Date of issue</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Có giá trị đến</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Họ tên cha</source>
        <translation>Father&apos;s name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Họ tên mẹ</source>
        <translation>Mother&apos;s name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Họ tên vợ/chồng</source>
        <translation>Spouse&apos;s name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Số CMND cũ</source>
        <translation>Old ID number</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nam</source>
        <translation>Male</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Nữ</source>
        <translation>Female</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Việt Nam</source>
        <translation>Viet Nam</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>✔ chip</source>
        <translation>✔ chip</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Đã xác thực từ chip</source>
        <translation>Verified from the chip</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>chip</source>
        <translation>chip</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Đọc từ chip, chưa xác thực</source>
        <translation>Read from the chip, not verified</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>QR</source>
        <translation>QR</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Từ mã QR in trên thẻ, chưa xác thực</source>
        <translation>From the QR code printed on the card, not verified</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>nhập tay</source>
        <translation>typed</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Nhập tay, chưa xác thực</source>
        <translation>Typed in, not verified</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Đang đọc ảnh…</source>
        <translation>Reading the photo…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ảnh chân dung có trong chip</source>
        <translation>The portrait is in the chip</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>Không có ảnh</source>
        <translation>No photo</translation>
    </message>
</context>
<context>
    <name>ClinicWindow</name>
    <message>
        <location filename="../../../ui/windows/clinic_window.py" line="+281"/>
        <source>Không in được phiếu: kiểm tra máy in.</source>
        <translation>Could not print the ticket: check the printer.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chưa có máy in: phiếu đã lưu thành tệp %1.</source>
        <translation>No printer: the ticket was saved as the file %1.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Đã in phiếu.</source>
        <translation>Ticket printed.</translation>
    </message>
    <message>
        <location line="+98"/>
        <location line="+1"/>
        <source>Tiếp đón khám bệnh BHYT</source>
        <translation>BHYT patient check-in</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>SỐ THỨ TỰ</source>
        <translation>QUEUE NUMBER</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiếp đón (Enter)</source>
        <translation>Check in (Enter)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In lại phiếu (Ctrl+P)</source>
        <translation>Reprint ticket (Ctrl+P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Người tiếp theo (Esc)</source>
        <translation>Next patient (Esc)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã hiểu (Enter)</source>
        <translation>Understood (Enter)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đọc lại (F5)</source>
        <translation>Read again (F5)</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Đặt thẻ CCCD của người bệnh lên đầu đọc, hoặc quét mã QR.</source>
        <translation>Place the patient&apos;s ID card on the reader, or scan its QR code.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Thẻ cần mở khóa: quét mã QR trên thẻ, hoặc nhập số định danh và ngày sinh.</source>
        <translation>The chip needs its keys: scan the QR code on the card, or type the ID number and date of birth.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đã quét mã QR. Đặt thẻ lên đầu đọc.</source>
        <translation>QR code scanned. Place the card on the reader.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang đọc thẻ… giữ yên thẻ trên đầu đọc.</source>
        <translation>Reading the card… keep it still on the reader.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã đọc thẻ. Đối chiếu ảnh với người bệnh, rồi tiếp đón.</source>
        <translation>Card read. Compare the photo with the patient, then check in.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang cấp số thứ tự…</source>
        <translation>Issuing the queue number…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đã tiếp đón. Đối chiếu ảnh và ngày sinh với người bệnh; đặt thẻ tiếp theo.</source>
        <translation>Checked in. Compare the photo and date of birth with the patient; place the next card.</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Số vừa cấp: %1</source>
        <translation>Last number issued: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Số thứ tự hiện ở đây sau khi tiếp đón.</source>
        <translation>The queue number appears here after check-in.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ưu tiên</source>
        <translation>Priority</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Khám thường</source>
        <translation>Regular</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Thẻ BHYT: chưa kiểm tra (chưa cấu hình cổng giám định BHYT).</source>
        <translation>BHYT card: not checked (the BHYT gateway is not configured).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Thẻ BHYT: chưa kiểm tra được — cổng giám định không trả lời. Đã tiếp đón; thẻ sẽ được kiểm tra lại sau.</source>
        <translation>BHYT card: not checked — the gateway did not answer. Checked in; the card will be checked again later.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Thẻ BHYT %1 còn giá trị đến %2.</source>
        <translation>BHYT card %1 is valid until %2.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Đăng ký KCB ban đầu ở cơ sở khác (%1).</source>
        <translation>Registered for primary care at another facility (%1).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Thẻ BHYT %1 đã hết hạn (%2).</source>
        <translation>BHYT card %1 has expired (%2).</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Không tìm thấy thẻ BHYT của người bệnh trên cổng giám định.</source>
        <translation>The gateway has no BHYT card for this patient.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Họ tên hoặc ngày sinh không khớp với thẻ BHYT.</source>
        <translation>The name or date of birth does not match the BHYT card.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Thẻ BHYT %1 đã bị thu hồi.</source>
        <translation>BHYT card %1 has been withdrawn.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cổng giám định trả lời mã %1: chưa rõ tình trạng thẻ.</source>
        <translation>The gateway answered code %1: the card&apos;s status is unknown.</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>Hôm nay: %n lượt tiếp đón</source>
        <translation>
            <numerusform>Today: %n check-in</numerusform>
            <numerusform>Today: %n check-ins</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hồ sơ chờ gửi: %1</source>
        <translation>Waiting to be sent: %1</translation>
    </message>
</context>
<context>
    <name>CounterWindow</name>
    <message>
        <location filename="../../../ui/windows/counter_window.py" line="+338"/>
        <source>Đọc thẻ trước khi chọn thủ tục.</source>
        <translation>Read the card before choosing a procedure.</translation>
    </message>
    <message numerus="yes">
        <location line="+27"/>
        <source>Còn %n trường cần sửa trước khi gửi.</source>
        <translation>
            <numerusform>%n field to correct before submitting.</numerusform>
            <numerusform>%n fields to correct before submitting.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Không in được: kiểm tra máy in.</source>
        <translation>Could not print: check the printer.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chưa có máy in: đã lưu thành tệp %1.</source>
        <translation>No printer: saved as the file %1.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Đã gửi lệnh in tới %1.</source>
        <translation>Sent to the printer %1.</translation>
    </message>
    <message>
        <location line="+90"/>
        <location line="+1"/>
        <source>Quầy một cửa</source>
        <translation>One-stop counter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Thủ tục (F2)</source>
        <translation>&amp;Procedures (F2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hồ sơ hôm nay</source>
        <translation>Today&apos;s submissions</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Thủ tục (F2)</source>
        <translation>Procedures (F2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đọc lại thẻ (F5)</source>
        <translation>Read the card again (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gửi hồ sơ (Ctrl+Enter)</source>
        <translation>Submit (Ctrl+Enter)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In (Ctrl+P)</source>
        <translation>Print (Ctrl+P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kết thúc (Esc)</source>
        <translation>End session (Esc)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã hiểu</source>
        <translation>Understood</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiếp tục không dùng chip (chưa xác thực)</source>
        <translation>Continue without the chip (not verified)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In biên nhận (Ctrl+P)</source>
        <translation>Print receipt (Ctrl+P)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>In tờ khai</source>
        <translation>Print the form</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Đặt thẻ CCCD lên đầu đọc, hoặc quét mã QR trên thẻ / nhập số định danh.</source>
        <translation>Place the ID card on the reader, or scan the QR code on the card / type the ID number.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Thẻ cần mở khóa: quét mã QR trên thẻ, hoặc nhập số định danh và ngày sinh.</source>
        <translation>The chip needs its keys: scan the QR code on the card, or type the ID number and date of birth.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đã quét mã QR. Đặt thẻ lên đầu đọc để xác thực.</source>
        <translation>QR code scanned. Place the card on the reader to verify it.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang đọc chip… giữ yên thẻ trên đầu đọc.</source>
        <translation>Reading the chip… keep the card still on the reader.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đã đọc thẻ. Chọn thủ tục (F2, Enter).</source>
        <translation>Card read. Choose a procedure (F2, Enter).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chọn thủ tục (F2, Enter).</source>
        <translation>Choose a procedure (F2, Enter).</translation>
    </message>
    <message numerus="yes">
        <location line="+39"/>
        <source>%n trường đã xác thực từ chip (khóa),</source>
        <translation>
            <numerusform>%n field verified from the chip (locked),</numerusform>
            <numerusform>%n fields verified from the chip (locked),</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n trường cần nhập.</source>
        <translation>
            <numerusform>%n field to fill in.</numerusform>
            <numerusform>%n fields to fill in.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đang lưu và gửi hồ sơ…</source>
        <translation>Saving and sending…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Đã gửi hồ sơ</source>
        <translation>Submitted</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Số biên nhận</source>
        <translation>Receipt number</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1. Mã tham chiếu tại chỗ: %2.</source>
        <translation>%1. Local reference: %2.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đã lưu, sẽ gửi khi có mạng</source>
        <translation>Saved, will be sent when the connection returns</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mã tham chiếu</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1. Hồ sơ đã được lưu an toàn trên máy (mã %2) và sẽ tự gửi khi có kết nối; số biên nhận sẽ hiện trong danh sách hồ sơ hôm nay.</source>
        <translation>%1. The submission is stored safely on this computer (reference %2) and will be sent by itself when the connection returns; the receipt number will appear in today&apos;s list.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Đã gửi: %1 · Đang chờ gửi: %2</source>
        <translation>Sent: %1 · Waiting: %2</translation>
    </message>
</context>
<context>
    <name>DeskTexts</name>
    <message>
        <location filename="../../../ui/windows/desk_parts.py" line="+30"/>
        <source>Thẻ đã bị rút ra khi đang đọc</source>
        <translation>The card was removed during the read</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đặt lại thẻ lên đầu đọc và giữ yên đến khi đọc xong.</source>
        <translation>Place the card on the reader again and keep it still until the read is done.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Không thấy đầu đọc thẻ</source>
        <translation>No card reader found</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kiểm tra cáp USB của đầu đọc; máy tự tiếp tục khi đầu đọc được cắm lại.</source>
        <translation>Check the reader&apos;s USB cable; the app carries on by itself when the reader is plugged in again.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Chip không mở được với số định danh và ngày sinh này</source>
        <translation>The chip does not open with this ID number and date of birth</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Kiểm tra lại hai thông tin, hoặc quét mã QR trên chính thẻ này.</source>
        <translation>Check both, or scan the QR code on this very card.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Đây không phải thẻ căn cước gắn chip</source>
        <translation>This is not a chip ID card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đặt thẻ CCCD gắn chip lên đầu đọc.</source>
        <translation>Place a chip ID card (CCCD) on the reader.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mã vừa quét không phải mã QR của thẻ CCCD</source>
        <translation>The code scanned is not an ID card&apos;s QR code</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Quét mã QR ở mặt trước thẻ căn cước.</source>
        <translation>Scan the QR code on the front of the ID card.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Dữ liệu trên chip đã bị thay đổi: dừng lại</source>
        <translation>The chip&apos;s data was altered: stop</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Nghi ngờ thẻ sao chép: dừng lại</source>
        <translation>Possible cloned card: stop</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Không dùng dữ liệu của thẻ này. Đối chiếu giấy tờ bằng mắt và báo cán bộ phụ trách; bấm «Đã hiểu» để tiếp tục với người sau.</source>
        <translation>Do not use this card&apos;s data. Check the documents by eye and tell the officer in charge; press «Understood» to go on with the next person.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Không lưu được hồ sơ trên máy</source>
        <translation>The submission could not be saved on this computer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hồ sơ chưa được lưu. Báo người vận hành (ổ đĩa đầy hoặc lỗi máy).</source>
        <translation>Nothing was saved. Tell the operator (disk full or a computer fault).</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Không đọc được chip</source>
        <translation>The chip could not be read</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đặt lại thẻ cho ngay ngắn rồi thử lại (F5).</source>
        <translation>Place the card squarely on the reader and try again (F5).</translation>
    </message>
</context>
<context>
    <name>IdleNotice</name>
    <message numerus="yes">
        <location line="+207"/>
        <source>Không thấy thao tác: phiên sẽ tự xóa sau %n giây. Bấm phím bất kỳ để tiếp tục.</source>
        <translation>
            <numerusform>No activity: the session will be wiped in %n second. Press any key to continue.</numerusform>
            <numerusform>No activity: the session will be wiped in %n seconds. Press any key to continue.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KeyEntry</name>
    <message>
        <location line="-122"/>
        <source>Số định danh gồm đúng 12 chữ số.</source>
        <translation>The ID number has exactly 12 digits.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Ngày sinh theo dạng ngày/tháng/năm, ví dụ 05/09/1999.</source>
        <translation>Date of birth as day/month/year, e.g. 05/09/1999.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ngày sinh không thể ở tương lai.</source>
        <translation>The date of birth cannot be in the future.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Số định danh / mã QR</source>
        <translation>ID number / QR code</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ngày sinh</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quét mã QR trên thẻ, hoặc gõ 12 chữ số</source>
        <translation>Scan the QR code on the card, or type the 12 digits</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mở chip (Enter)</source>
        <translation>Open the chip (Enter)</translation>
    </message>
</context>
<context>
    <name>SessionHistory</name>
    <message>
        <location filename="../../../ui/history.py" line="+164"/>
        <source>Mã tham chiếu tại chỗ: %1</source>
        <translation>Local reference: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Số biên nhận: %1</source>
        <translation>Receipt number: %1</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Giờ nộp hồ sơ (giờ Việt Nam)</source>
        <translation>Time of submission (Vietnam time)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thủ tục hành chính</source>
        <translation>Administrative procedure</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Số biên nhận của hệ thống, hoặc mã tham chiếu tại chỗ khi chưa gửi được</source>
        <translation>The system&apos;s receipt number, or the local reference while not yet sent</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Đã gửi lên hệ thống hay đang chờ gửi</source>
        <translation>Sent to the system, or waiting to be sent</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Giờ</source>
        <translation>Time</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thủ tục</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <location line="-7"/>
        <location line="+9"/>
        <source>Số thứ tự</source>
        <translation>Queue no.</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Biên nhận</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trạng thái</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Đã gửi</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Chờ gửi</source>
        <translation>Waiting</translation>
    </message>
</context>
<context>
    <name>VerdictBadge</name>
    <message>
        <location filename="../../../ui/widgets/verdict_badge.py" line="+144"/>
        <source>Thẻ thật: dữ liệu đúng như cơ quan cấp đã ký</source>
        <translation>Genuine: the data is exactly what the issuing authority signed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dữ liệu trên chip đã bị thay đổi hoặc hỏng</source>
        <translation>The chip&apos;s data was altered or is damaged</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chữ ký hợp lệ, nhưng chưa xác minh được cơ quan cấp</source>
        <translation>Signature valid, but the issuing authority is not verified</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nghi ngờ thẻ sao chép</source>
        <translation>Possible cloned card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chưa xác thực: dữ liệu từ mã QR in trên thẻ</source>
        <translation>Not verified: data from the QR code printed on the card</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Đã kiểm tra: chữ ký số của cơ quan cấp, dữ liệu không bị sửa.</source>
        <translation>Checked: the issuing authority&apos;s digital signature, the data is unaltered.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Chip đã chứng minh là chip gốc.</source>
        <translation>The chip proved it is the original.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Thẻ không hỗ trợ kiểm tra chip gốc: chưa loại trừ thẻ sao chép.</source>
        <translation>The card does not support the original-chip check: a clone is not ruled out.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chưa đọc: %1.</source>
        <translation>Not read: %1.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Không dùng dữ liệu này. Đối chiếu thẻ bằng mắt; đề nghị công dân liên hệ cơ quan công an.</source>
        <translation>Do not use this data. Check the card by eye; ask the citizen to contact the police ID office.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Dữ liệu không bị sửa, nhưng chứng thư của cơ quan cấp chưa có trong kho tin cậy. Đối chiếu thẻ bằng mắt.</source>
        <translation>The data is unaltered, but the issuing authority&apos;s certificate is not in the trust store. Check the card by eye.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Dữ liệu có chữ ký, nhưng chip không chứng minh được là chip gốc. Giữ thẻ lại và báo cán bộ phụ trách.</source>
        <translation>The data is signed, but the chip could not prove it is the original. Keep the card and tell the officer in charge.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mã QR không được ký số: đối chiếu các thông tin với thẻ.</source>
        <translation>The QR code is not digitally signed: compare the details with the card.</translation>
    </message>
</context>
</TS>
