<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="vi_VN">
<context>
    <name>FailureScreen</name>
    <message>
        <location filename="../../../ui/screens/failure.py" line="+75"/>
        <source>Kết thúc</source>
        <extracomment>Failures that resolve by themselves when the person or the device acts (no retry button). Failures after which the card must not be used here (stop, ask the staff).</extracomment>
        <translation>Finish</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thử lại</source>
        <translation>Try again</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Mã hỗ trợ: %1</source>
        <translation>Support code: %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Thẻ đã bị nhấc ra khi đang đọc</source>
        <translation>The card was lifted during the read</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Máy chưa đọc xong chip nên chưa có thông tin nào được dùng.</source>
        <translation>The chip was not read completely, so none of its data is used.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hãy đặt lại thẻ lên đầu đọc và giữ yên cho đến khi đọc xong. Việc đọc sẽ tự bắt đầu lại.</source>
        <translation>Put the card back on the reader and keep it still until the read is done. Reading starts again by itself.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Không tìm thấy đầu đọc thẻ</source>
        <translation>Card reader not found</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đầu đọc thẻ đang bị ngắt kết nối.</source>
        <translation>The card reader is disconnected.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Máy sẽ tự tiếp tục khi đầu đọc được cắm lại. Nếu màn hình này không tự mất đi, hãy báo cán bộ.</source>
        <translation>The kiosk continues by itself when the reader is plugged back in. If this screen does not go away, please tell a staff member.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Chip không mở được với thông tin đã nhập</source>
        <translation>The chip could not be opened with the data entered</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Số CCCD hoặc ngày sinh chưa đúng, hoặc mã QR đã quét thuộc một thẻ khác.</source>
        <translation>The ID number or the date of birth is not right, or the QR code scanned belongs to another card.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bấm “Thử lại” để nhập lại, hoặc quét mã QR trên chính thẻ này.</source>
        <translation>Press “Try again” to enter them again, or scan the QR code on this very card.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Đây không phải thẻ CCCD gắn chip</source>
        <translation>This is not a chip ID card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Máy chỉ đọc được thẻ Căn cước công dân gắn chip và thẻ Căn cước.</source>
        <translation>The kiosk reads chip citizen ID cards (CCCD) and Căn cước cards only.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hãy lấy thẻ này ra và đặt thẻ CCCD gắn chip của bạn lên đầu đọc.</source>
        <translation>Take this card away and place your chip ID card on the reader.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Mã vừa quét không phải mã QR trên thẻ CCCD</source>
        <translation>The code just scanned is not the QR code of an ID card</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Máy chỉ nhận mã QR in ở mặt trước thẻ CCCD.</source>
        <translation>The kiosk only accepts the QR code printed on the front of the ID card.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hãy đưa mặt trước thẻ, có mã QR, vào máy quét.</source>
        <translation>Hold the front of the card, with the QR code, to the scanner.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Thẻ không vượt qua kiểm tra chip gốc</source>
        <translation>The card failed the original-chip check</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Máy không thể dùng thông tin của thẻ này.</source>
        <translation>The kiosk cannot use the data of this card.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hãy liên hệ cán bộ tại quầy để được hỗ trợ.</source>
        <translation>Please ask a staff member at the counter for help.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Chưa lưu được hồ sơ</source>
        <translation>The application could not be saved</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hồ sơ chưa được gửi và cũng chưa được lưu trên máy.</source>
        <translation>The application was neither sent nor saved on the kiosk.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bấm “Thử lại”. Nếu vẫn không được, hãy báo cán bộ.</source>
        <translation>Press “Try again”. If it still fails, please tell a staff member.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Không đọc được chip</source>
        <translation>The chip could not be read</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Có lỗi khi đọc chip của thẻ.</source>
        <translation>An error occurred while reading the card’s chip.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hãy nhấc thẻ ra, đặt lại ngay ngắn giữa đầu đọc rồi bấm “Thử lại”.</source>
        <translation>Lift the card, place it again squarely in the middle of the reader, then press “Try again”.</translation>
    </message>
</context>
<context>
    <name>FormScreen</name>
    <message>
        <location filename="../../../ui/screens/form.py" line="+105"/>
        <source>Biểu mẫu</source>
        <translation>Form</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Các ô có dấu ✓ đã được xác thực từ chip và không cần sửa. Hãy điền các ô còn trống; ô có dấu * là bắt buộc.</source>
        <translation>Fields marked ✓ are verified from the chip and need no change. Fill in the empty fields; fields marked * are required.</translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>Còn %n ô cần điền hoặc sửa.</source>
        <translation>
            <numerusform>%n field still to fill in or correct.</numerusform>
            <numerusform>%n fields still to fill in or correct.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Xem lại hồ sơ</source>
        <translation>Review</translation>
    </message>
</context>
<context>
    <name>FormView</name>
    <message>
        <location filename="../../../ui/widgets/form_view.py" line="+544"/>
        <source>đã xác thực từ chip</source>
        <translation>verified from the chip</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>không sửa được</source>
        <translation>cannot be changed</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>từ mã QR — hãy kiểm tra</source>
        <translation>from the QR code — please check</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>— chọn —</source>
        <translation>— choose —</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>+ Thêm dòng</source>
        <translation>+ Add a row</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>− Xoá dòng</source>
        <translation>− Remove a row</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ngày/tháng/năm, ví dụ 05/09/1999</source>
        <translation>day/month/year, e.g. 05/09/1999</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../../../ui/windows/kiosk_window.py" line="+151"/>
        <source>Bạn còn đó không?</source>
        <extracomment>Corner gesture that opens the operator screen. A wedge scanner types the QR text fast and ends it with Enter; shorter input is a keypress.</extracomment>
        <translation>Are you still there?</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Để bảo vệ thông tin của bạn, màn hình sẽ tự xoá sau %n giây.</source>
        <translation>
            <numerusform>To protect your data, the screen will clear itself in %n second.</numerusform>
            <numerusform>To protect your data, the screen will clear itself in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tôi vẫn ở đây</source>
        <translation>I am still here</translation>
    </message>
</context>
<context>
    <name>IdleScreen</name>
    <message>
        <location filename="../../../ui/screens/idle.py" line="+38"/>
        <source>Đặt thẻ CCCD lên đầu đọc</source>
        <translation>Place your ID card on the reader</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hoặc đưa mã QR trên thẻ vào máy quét</source>
        <translation>or hold the QR code on the card to the scanner</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Máy đọc chip để điền sẵn hồ sơ cho bạn. Mọi thông tin được xoá ngay khi bạn xong việc.</source>
        <translation>The kiosk reads the chip to fill in your forms. Everything is erased as soon as you are done.</translation>
    </message>
</context>
<context>
    <name>KeyEntryScreen</name>
    <message>
        <location filename="../../../ui/screens/key_entry.py" line="+164"/>
        <source>Thẻ đã nằm trên đầu đọc</source>
        <translation>Your card is on the reader</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Để mở chip, hãy quét mã QR trên thẻ, hoặc nhập số CCCD (12 số) và ngày sinh của bạn.</source>
        <translation>To open the chip, scan the QR code on the card, or enter your ID number (12 digits) and your date of birth.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Số CCCD (12 số)</source>
        <translation>ID number (12 digits)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ngày sinh (ngày/tháng/năm)</source>
        <translation>Date of birth (day/month/year)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ví dụ 05/09/1999</source>
        <translation>e.g. 05/09/1999</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Huỷ</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiếp tục</source>
        <translation>Continue</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Số CCCD phải có đúng 12 chữ số.</source>
        <translation>The ID number must have exactly 12 digits.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ngày sinh chưa đúng. Hãy nhập theo dạng ngày/tháng/năm.</source>
        <translation>The date of birth is not valid. Enter it as day/month/year.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../../ui/widgets/keyboard.py" line="+270"/>
        <source>Xoá</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>dấu cách</source>
        <translation>space</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Chữ hoa</source>
        <translation>Capital letter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gõ kiểu Telex: aa → â, dd → đ, s f r x j → dấu</source>
        <translation>Telex typing: aa → â, dd → đ, s f r x j → tone marks</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>dấu sắc</source>
        <translation>acute tone (sắc)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dấu huyền</source>
        <translation>grave tone (huyền)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dấu hỏi</source>
        <translation>hook tone (hỏi)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dấu ngã</source>
        <translation>tilde tone (ngã)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dấu nặng</source>
        <translation>dot-below tone (nặng)</translation>
    </message>
</context>
<context>
    <name>ProceduresScreen</name>
    <message>
        <location filename="../../../ui/screens/procedures.py" line="+100"/>
        <source>Chọn thủ tục</source>
        <translation>Choose a procedure</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bạn muốn làm thủ tục nào? Chạm vào một ô.</source>
        <translation>Which procedure do you need? Touch one.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quay lại</source>
        <translation>Back</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kết thúc</source>
        <translation>Finish</translation>
    </message>
</context>
<context>
    <name>ReadingScreen</name>
    <message>
        <location filename="../../../ui/screens/reading.py" line="+67"/>
        <source>Đang đọc thẻ…</source>
        <translation>Reading the card…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Xin đừng nhấc thẻ ra cho đến khi đọc xong.</source>
        <translation>Please do not lift the card until the read is done.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Đang mở chip</source>
        <translation>Opening the chip</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Đang đọc danh mục dữ liệu</source>
        <translation>Reading the list of data</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang đọc chữ ký số của cơ quan cấp</source>
        <translation>Reading the issuer’s digital signature</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang đọc thông tin cơ bản</source>
        <translation>Reading the basic data</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang đọc thông tin cá nhân</source>
        <translation>Reading the personal data</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang đọc ảnh chân dung</source>
        <translation>Reading the photo</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Đang kiểm tra chip gốc</source>
        <translation>Checking the original chip</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đang xác thực dữ liệu</source>
        <translation>Verifying the data</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Đang đọc</source>
        <translation>Reading</translation>
    </message>
</context>
<context>
    <name>ResultScreen</name>
    <message>
        <location filename="../../../ui/screens/result.py" line="+91"/>
        <source>In biên nhận</source>
        <translation>Print the receipt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Xong</source>
        <translation>Done</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đừng quên lấy lại thẻ CCCD của bạn.</source>
        <translation>Do not forget to take your ID card back.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Đang gửi hồ sơ…</source>
        <translation>Sending your application…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Xin chờ trong giây lát.</source>
        <translation>Please wait a moment.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Đã gửi</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cơ quan giải quyết đã nhận hồ sơ của bạn.</source>
        <translation>The authority has received your application.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Số biên nhận</source>
        <translation>Receipt number</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Hãy in hoặc chụp lại số biên nhận để tra cứu kết quả.</source>
        <translation>Print or take a photo of the receipt number to look up the result.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Đã lưu, sẽ gửi khi có mạng</source>
        <translation>Saved, will be sent when the connection returns</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hồ sơ đã được lưu an toàn trên máy và sẽ tự động được gửi ngay khi có kết nối.</source>
        <translation>Your application is stored safely on the kiosk and will be sent automatically as soon as there is a connection.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mã tham chiếu</source>
        <translation>Reference</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bạn không cần làm gì thêm. Hãy giữ mã tham chiếu để tra cứu.</source>
        <translation>You need to do nothing more. Keep the reference to look it up.</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../../ui/screens/review.py" line="+122"/>
        <source>chip</source>
        <translation>chip</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>QR</source>
        <translation>QR</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Kiểm tra lại hồ sơ</source>
        <translation>Check your application</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Đây là hồ sơ sẽ được gửi. Nếu có chỗ sai, bấm “Sửa”.</source>
        <translation>This is the application that will be sent. If something is wrong, press “Edit”.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Một số thông tin trong mã QR in trên thẻ khác với chip; hồ sơ dùng thông tin của chip. Cán bộ sẽ được thông báo.</source>
        <translation>Some data in the QR code printed on the card differs from the chip; the application uses the chip’s data. The staff will be told.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sửa</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gửi hồ sơ</source>
        <translation>Send</translation>
    </message>
</context>
<context>
    <name>VerdictScreen</name>
    <message>
        <location filename="../../../ui/screens/verdict.py" line="+92"/>
        <source>Kết quả kiểm tra thẻ</source>
        <extracomment>Verdicts with which the citizen may go on to a procedure.</extracomment>
        <translation>Card check result</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kết thúc</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tiếp tục</source>
        <translation>Continue</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Máy đã kiểm tra chữ ký số của cơ quan cấp thẻ và chip đã chứng minh là chip gốc.</source>
        <translation>The kiosk checked the issuing authority’s digital signature, and the chip proved it is the original.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Máy đã kiểm tra chữ ký số của cơ quan cấp thẻ: dữ liệu không bị sửa. Thẻ này không hỗ trợ kiểm tra chip gốc.</source>
        <translation>The kiosk checked the issuing authority’s digital signature: the data was not changed. This card does not support the original-chip check.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Các ô lấy từ chip được điền sẵn, bạn không cần nhập lại.</source>
        <translation>Fields taken from the chip are filled in; you need not type them.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+15"/>
        <source>Bấm “Tiếp tục” để chọn thủ tục.</source>
        <translation>Press “Continue” to choose a procedure.</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>Dữ liệu trên chip không bị sửa, nhưng máy chưa xác minh được cơ quan cấp thẻ. Hồ sơ vẫn được nhận; cán bộ sẽ đối chiếu thẻ của bạn.</source>
        <translation>The chip’s data has not been changed, but the kiosk could not verify the issuing authority. Your application is still accepted; the staff will check your card.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bấm “Tiếp tục” để chọn thủ tục. Hãy mang theo thẻ khi đến nhận kết quả.</source>
        <translation>Press “Continue” to choose a procedure. Bring your card when you collect the result.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Thông tin lấy từ mã QR in trên thẻ, chưa được xác thực bằng chip. Bạn có thể sửa nếu có chỗ sai; cán bộ sẽ đối chiếu giấy tờ của bạn.</source>
        <translation>The data comes from the QR code printed on the card and was not verified with the chip. You may correct anything wrong; the staff will check your papers.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Dữ liệu trên chip đã bị thay đổi hoặc bị hỏng, nên máy không thể dùng để điền hồ sơ.</source>
        <translation>The chip’s data was altered or is damaged, so the kiosk cannot use it to fill in forms.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Hãy lấy lại thẻ và liên hệ cán bộ tại quầy. Nếu thẻ bị hỏng, bạn có thể đề nghị cấp đổi thẻ tại cơ quan công an.</source>
        <translation>Take your card back and ask a staff member at the counter. If the card is damaged, you can ask the police for a replacement.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Chip không chứng minh được là chip gốc của thẻ, nên máy không thể dùng thông tin này.</source>
        <translation>The chip could not prove it is the card’s original chip, so the kiosk cannot use this data.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hãy liên hệ cán bộ tại quầy để được hỗ trợ.</source>
        <translation>Please ask a staff member at the counter for help.</translation>
    </message>
</context>
<context>
    <name>WaitCardScreen</name>
    <message>
        <location filename="../../../ui/screens/wait_card.py" line="+41"/>
        <source>Đã đọc mã QR</source>
        <translation>QR code read</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bây giờ hãy đặt thẻ CCCD lên đầu đọc</source>
        <translation>Now place your ID card on the reader</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Máy sẽ đọc chip để xác thực thông tin của bạn. Nếu không đọc được chip, bạn vẫn có thể tiếp tục, nhưng cán bộ sẽ phải kiểm tra lại giấy tờ.</source>
        <translation>The kiosk reads the chip to verify your data. If the chip cannot be read you can still go on, but the staff will have to check your papers.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Huỷ</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tiếp tục không dùng chip (dữ liệu chưa được xác thực)</source>
        <translation>Continue without the chip (data not verified)</translation>
    </message>
</context>
</TS>
