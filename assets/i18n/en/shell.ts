<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="vi_VN">
<context>
    <name>LanguageSwitch</name>
    <message>
        <location filename="../../../ui/widgets/language_switch.py" line="+65"/>
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
        <location filename="../../../ui/widgets/offline_banner.py" line="+104"/>
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
</TS>
