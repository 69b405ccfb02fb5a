<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="vi_VN">
<context>
    <name>DemoPanel</name>
    <message>
        <location filename="../../../ui/demo_panel.py" line="+157"/>
        <source>Trình diễn / Demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chế độ trình diễn</source>
        <translation>Demo mode</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Thẻ ảo của công dân giả NGUYỄN VĂN THỬ; không cần đầu đọc thật.</source>
        <translation>The virtual card of the invented citizen NGUYỄN VĂN THỬ; no real reader needed.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đặt thẻ ảo lên đầu đọc</source>
        <translation>Place the virtual card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Lấy thẻ ra</source>
        <translation>Remove the card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đưa mã QR trên thẻ</source>
        <translation>Show the card&apos;s QR code</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đưa mã QR của người khác</source>
        <translation>Show another person&apos;s QR code</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rút đầu đọc</source>
        <translation>Unplug the reader</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cắm lại đầu đọc</source>
        <translation>Plug the reader back in</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mất mạng</source>
        <translation>Go offline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Có mạng trở lại</source>
        <translation>Back online</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>thẻ đang trên đầu đọc</source>
        <translation>card on the reader</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>không có thẻ</source>
        <translation>no card</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>đầu đọc đã rút</source>
        <translation>reader unplugged</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>có mạng</source>
        <translation>online</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>mất mạng</source>
        <translation>offline</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Đầu đọc: %1</source>
        <translation>Reader: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mạng: %1</source>
        <translation>Network: %1</translation>
    </message>
</context>
</TS>
