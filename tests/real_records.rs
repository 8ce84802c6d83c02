//! Records of real saved pages of Vietnamese news sites (`../shared/datasets/vn-real-dev`),
//! parsed as the service parses them (with the rules of `config/sites`), against what each
//! page shows: its headline, writers, source, publication time, section, where its text opens
//! and ends, and the furniture that must stay out of it. Every expected value was read off the
//! page's markup by hand (the `<h1>`, the byline, the date line, the breadcrumb); none is
//! copied from the parser's output.

mod real_pages;
mod rules;

use tinstream_parser::{Extraction, Page, Parser};

/// What one page's record must hold.
struct Expected {
    file: &'static str,
    title: &'static str,
    /// How the lead opens, when the page sets one apart.
    lead: Option<&'static str>,
    /// As RFC 3339 with the page's offset, or a day; `None`: the page shows no date.
    published_at: Option<&'static str>,
    authors: &'static [&'static str],
    agency: Option<&'static str>,
    /// The section, when the page names one.
    section: Option<&'static str>,
    body_opens: &'static str,
    body_ends: &'static str,
    /// Furniture of the page that is not the article.
    not_in_body: &'static [&'static str],
    /// Pictures, by how their address ends, and how their caption opens (`None`: it has none).
    captions: &'static [(&'static str, Option<&'static str>)],
    /// How many pictures the article has, when counted.
    images: Option<usize>,
}

/// Tuổi Trẻ's story of 23 March 2015, saved twice (tuoitre-03 from the desktop site,
/// tuoitre-04 from the mobile one): both pages must give these fields.
const TUOITRE_2015_STORY: Expected = Expected {
    file: "",
    title: "Thanh tra vụ chặt cây xanh Hà Nội trong 30 ngày",
    lead: None,
    published_at: Some("2015-03-23T08:06:00+07:00"),
    authors: &["Xuân Long"],
    agency: None,
    section: Some("Chính trị - Xã hội"),
    body_opens: "Ngày 22-3, Chủ tịch UBND TP Hà Nội Nguyễn Thế Thảo",
    body_ends: "Chậm nhất trong 30 ngày phải báo cáo kết quả cho UBND TP.",
    not_in_body: &[],
    captions: &[],
    images: Some(1),
};

const EXPECTED: &[Expected] = &[
    // plo.vn, 2025: two writers declared in JSON-LD as one person, "THUẬN VĂN, LÊ ÁNH" (the
    // byline shows them as two links); the paper's "(PLO)-" opens the lead. The page shows
    // its section, "Thời sự", over the headline, and declares it as "Thời sự,Chính trị".
    Expected {
        file: "html/plo-01.html",
        title: "Đoàn đại biểu TP.HCM dâng hoa, tưởng niệm các anh hùng liệt sĩ tại Bình Dương, \
                Bà Rịa - Vũng Tàu (cũ)",
        lead: Some("Phó Bí thư Thành ủy, Chủ tịch Ủy ban MTTQ Việt Nam TP.HCM Nguyễn Phước Lộc"),
        published_at: Some("2025-10-11T10:02:08+07:00"),
        authors: &["Thuận Văn", "Lê Ánh"],
        agency: None,
        section: Some("Thời sự"),
        body_opens: "Sáng 11-10, các đoàn đại biểu tham dự Đại hội đại biểu Đảng bộ TP.HCM",
        body_ends: "Chủ tịch Tôn Đức Thắng tại bảo tàng Tôn Đức Thắng.",
        not_in_body: &["(PLO)", "THUẬN VĂN"],
        captions: &[],
        images: None,
    },
    // plo.vn, 2025: the writer declared in capitals ("SONG MAI"), as the byline shows it.
    Expected {
        file: "html/plo-02.html",
        title: "Vụ vay ngân hàng mua biệt thự: VKS kháng nghị theo hướng hủy án sơ thẩm",
        lead: Some("VKSND khu vực 7 - TP.HCM đã kháng nghị tòa bộ bản án sơ thẩm"),
        published_at: Some("2025-10-09T17:55:47+07:00"),
        authors: &["Song Mai"],
        agency: None,
        section: Some("Pháp luật"),
        body_opens: "Ngày 9-10, VKSND khu vực 7 - TP.HCM đã ban hành kháng nghị",
        body_ends: "cùng lập ngày 25-11-2020 là không đúng.",
        not_in_body: &["(PLO)"],
        captions: &[],
        images: None,
    },
    // VietNamNet, 2019: "Ca Tiếu (theo online-tech-tips)" closes the text, a box of another
    // story follows it; the breadcrumb opens with the site's name. Eight pictures in the
    // text; under it, "Không thể bỏ lỡ" and more boxes of other stories, each with its
    // picture linked to the story.
    Expected {
        file: "html/vietnamnet-03.html",
        title: "Cách sử dụng Google Maps để giám sát vị trí của trẻ nhỏ",
        lead: None,
        published_at: Some("2019-03-24T07:50:00+07:00"),
        authors: &["Ca Tiếu"],
        agency: Some("online-tech-tips"),
        section: Some("Công nghệ"),
        body_opens: "Cho dù bạn sở hữu thiết bị Android hay iOS",
        body_ends: "trong trình đơn Location sharing (Chia sẻ vị trí).",
        not_in_body: &["Ca Tiếu", "Cách tăng âm lượng chỉ đường"],
        captions: &[],
        images: Some(8),
    },
    // 24h.com.vn, 2012: "Theo Sầm Hoa (Vietnamnet/Reuters)" under the text and as the meta
    // author: the writer, and the source the story was taken from. A photo story: each
    // picture in a centred paragraph of its own, its caption the centred paragraph in italics
    // under it (some pictures have none); one paragraph of introduction, then the captions
    // tell the story.
    Expected {
        file: "html/24h-01.html",
        title: "Đột nhập lò luyện thi công chức Hàn Quốc",
        lead: None,
        published_at: Some("2012-12-23T14:02:00+07:00"),
        authors: &["Sầm Hoa"],
        agency: Some("Vietnamnet/Reuters"),
        section: None,
        body_opens: "Làng Thi cử hay còn gọi là Goshiwon",
        body_ends: "Những sĩ tử tại Goshiwon đi bỏ phiếu sớm hôm 13/12.",
        not_in_body: &["Theo Sầm Hoa", "bình chọn"],
        captions: &[
            (
                "1356251511_lang-thi-cu-13.jpg",
                Some("Tại một lớp học ở Goshiwon."),
            ),
            (
                "1356245967-lang-thi-cu-1.jpg",
                Some("Có khoảng 30.000 cư dân"),
            ),
            ("1356245967-lang-thi-cu-3.jpg", None),
            (
                "1356245967-lang-thi-cu-10.jpg",
                Some("Căng-tin ở Làng Thi cử."),
            ),
            ("1356245967-lang-thi-cu-11.jpg", None),
            (
                "1356245967-lang-thi-cu-12.jpg",
                Some("Những sĩ tử tại Goshiwon đi bỏ phiếu sớm hôm 13/12."),
            ),
        ],
        images: None,
    },
    // thanhnien.com.vn, 2012 (a SharePoint page): the paper's tag "(TNO)" opens the lead with
    // no dash after it; the section's name and a text-size control
    // over the text, its lead set as an <h2> at its top, the byline "Tin, ảnh: Vũ Phương Thảo"
    // followed by ">> " links to other stories, the tags ("Từ khóa") and a readers' feedback
    // form. The date line shows "19/12/2012 17:41", the address only the day.
    Expected {
        file: "html/thanhnien-01.html",
        title: "5 \"bóng hồng\" buôn ma túy lãnh án",
        lead: Some("TAND TP.Đà Nẵng ngày 19.12 xét xử sơ thẩm, tuyên phạt"),
        published_at: Some("2012-12-19T17:41:00+07:00"),
        authors: &["Vũ Phương Thảo"],
        agency: None,
        section: None,
        body_opens: "Theo cáo trạng, khoảng 16 giờ ngày 8.6.2012",
        body_ends: "thu giữ của ba người này 2,654 gram ma túy tổng hợp.",
        not_in_body: &[
            "Chính trị - Xã hội",
            "TAND TP.Đà Nẵng ngày 19.12",
            "Cỡ chữ",
            ">>",
            "Doanh nhân buôn ma túy xuyên quốc gia",
            "Từ khóa",
            "Tên của bạn",
            "hoan nghênh ý kiến",
            "Tin, ảnh",
        ],
        captions: &[],
        images: None,
    },
    // VnExpress, 2022: the place stamp "TP HCM" before the lead, set apart by style alone;
    // the writer's name right-aligned under the text; the breadcrumb "Thời sự > Dân sinh".
    Expected {
        file: "html/vnexpress-06.html",
        title: "Công nhân mất việc chật vật lo Tết",
        lead: Some("Nếu có ít tiền, chị Huyền sẽ nấu nồi thịt kho cho 3 ngày Tết"),
        published_at: Some("2022-01-25T06:00:00+07:00"),
        authors: &["Lê Tuyết"],
        agency: None,
        section: Some("Thời sự"),
        body_opens: "Chị Nguyễn Thị Huyền, 36 tuổi, thuê trọ trên đường TL16",
        body_ends: "tổ chức tiệc tất niên cho công nhân ở lại ăn Tết...",
        not_in_body: &["TP HCMNếu", "Lê Tuyết"],
        captions: &[],
        images: None,
    },
    // VnExpress's iOne, 2012: no <h1>; the headline is an <h3> over the text, the <title>
    // adds " - Ảnh | Trang thông tin dành cho giới trẻ - VnExpress iOne". The text is
    // followed by "Theo dòng sự kiện:" ("follow the story") and the topic's other stories.
    // The writer signs with a one-word pen name, "Papai", under the text, aligned right in
    // bold.
    Expected {
        file: "html/vnexpress-09.html",
        title: "Những người khổ hạnh vì bớt lạ",
        lead: Some("Vết bớt khác thường, lông mọc phủ kín người..."),
        published_at: Some("2012-12-21T15:20:00+07:00"),
        authors: &["Papai"],
        agency: None,
        section: None,
        body_opens: "1. Anh Zhang Hongming mắc hội chứng Nevus bẩm sinh",
        body_ends: "đã đồng ý điều trị miễn phí cho cậu bé vào tháng 7 vừa qua.",
        not_in_body: &["dòng sự kiện", "Đôi 'chân voi' nặng ngót tạ", "Papai"],
        captions: &[],
        images: None,
    },
    // VnExpress 2012, a reader's letter ("Tâm sự"): the writer signs "Trung" under it,
    // aligned right in bold; the trail is a `<div class="breadCrumb">` naming "Tâm sự". Under
    // the letter, "Ý kiến bạn đọc ( 33 )" and readers' answers, each comment in a
    // `<div class="comment_ct_fb">` whose text is set in `<P class=Normal>` as the letter's.
    Expected {
        file: "html/vnexpress-07.html",
        title: "Vợ ngoại tình sau những lần bị tôi đánh đập dã man",
        lead: Some("Những gì tôi làm cho vợ trong lúc tức giận"),
        published_at: Some("2012-12-20T10:18:00+07:00"),
        authors: &["Trung"],
        agency: None,
        section: Some("Tâm sự"),
        body_opens: "Tôi năm nay 29 tuổi, đã lấy vợ được 5 năm",
        body_ends: "Tôi xin chân thành cảm ơn!",
        not_in_body: &[
            "Nếu tôi là vợ của bạn",
            "Tôi rất ghét những người chồng vũ phu",
            "Gửi Trung!",
            "Ý kiến bạn đọc",
        ],
        captions: &[],
        images: None,
    },
    // Tuổi Trẻ, 2015, the mobile page of tuoitre-03's story: the section over the headline
    // (`<div class="catego-title">`, read by the site rule), the date in the toolbar, the
    // sapo set as a bold paragraph under the headline, opening with the paper's "TT - ", and
    // the writer's name under the text.
    Expected {
        file: "html/tuoitre-04.html",
        lead: Some("Trao đổi với Tuổi Trẻ, ông Hoàng Nam Sơn, phó giám đốc Sở Xây dựng"),
        not_in_body: &["TT - ", "Xuân Long", "Thời sự - Suy nghĩ"],
        captions: &[(
            "i26h1kAQ.jpg",
            Some("Chủ tịch UBND TP giao chánh thanh tra TP chủ trì"),
        )],
        ..TUOITRE_2015_STORY
    },
    // VnExpress, 2023: the trail "Kinh doanh › Vĩ mô" and the date line over the headline, the
    // lead a `<p class="description">`, the writer's name in a line of its own under the
    // text, then "Trở lại Kinh doanh".
    Expected {
        file: "html/vnexpress-03.html",
        title: "Ông Hồ Đức Phớc: Sẽ nâng mức giảm trừ gia cảnh tính thuế cá nhân khi sửa luật",
        lead: Some("Bộ trưởng Tài chính Hồ Đức Phớc thừa nhận mức giảm trừ gia cảnh"),
        published_at: Some("2023-11-02T19:20:45+07:00"),
        authors: &["Anh Minh"],
        agency: None,
        section: Some("Kinh doanh"),
        body_opens: "Thông tin trên được Bộ trưởng Tài chính Hồ Đức Phớc chia sẻ bên hành lang",
        body_ends: "lớn hơn nhiều so với tỷ lệ 40% mà Bộ Tài chính xác định.",
        not_in_body: &["Anh Minh", "Trở lại Kinh doanh", "Chia sẻ"],
        captions: &[(
            "Ho-Duc-Phoc-jpeg-2845-1698924505.jpg",
            Some("Ông Hồ Đức Phớc, Bộ trưởng Tài chính."),
        )],
        images: Some(1),
    },
    // VnExpress, 2025: as vnexpress-03; the text opens with its day ("Ngày 22/10"), which is
    // no date line of the page.
    Expected {
        file: "html/vnexpress-04.html",
        title: "Đau bụng kéo dài, phát hiện ung thư lymphoma ruột non",
        lead: Some("Người đàn ông 63 tuổi đau bụng kéo dài"),
        published_at: Some("2025-10-22T19:25:52+07:00"),
        authors: &["Lê Phương"],
        agency: None,
        section: Some("Sức khỏe"),
        body_opens: "Ngày 22/10, BS.CK2 Cao Thị Hồng, Trưởng Trung tâm Kiểm tra sức khỏe",
        body_ends: "có thể phẫu thuật, hóa trị hoặc xạ trị.",
        not_in_body: &["Lê Phương", "Trở lại Sức khỏe"],
        captions: &[(
            "s=0dkY6HxMQ296HEwQI6B7ug",
            Some("Y bác sĩ nội soi cho bệnh nhân."),
        )],
        images: Some(1),
    },
    // VnExpress, 2022: as vnexpress-03, with a box of four related stories under the text
    // (`<ul class="list-news hidden">`) before the writer's name.
    Expected {
        file: "html/vnexpress-05.html",
        title: "Việt Nam dự kiến mở lại toàn bộ đường bay quốc tế từ 15/2",
        lead: Some("Cục Hàng không Việt Nam đã thông báo đến nhà chức trách các nước"),
        published_at: Some("2022-02-13T16:08:35+07:00"),
        authors: &["Đoàn Loan"],
        agency: None,
        section: Some("Thời sự"),
        body_opens: "Ông Đinh Việt Sơn, Phó cục trưởng Hàng không Việt Nam",
        body_ends: "đón đầu nhu cầu đi lại khi đại dịch đang từng bước được kiểm soát.",
        not_in_body: &[
            "Khách quốc tế đến Việt Nam không phải xét nghiệm nhanh",
            "Đoàn Loan",
            "Trở lại Thời sự",
        ],
        captions: &[(
            "s=9OX9EX45mSaOB5cnuSJI8Q",
            Some("Máy bay tại Tân Sơn Nhất."),
        )],
        images: Some(1),
    },
    // Báo Đầu tư, 2026: no JSON-LD and no trail; the section a label over the
    // headline (not a trail: not checked), the writer and the time on one line under it, the
    // sapo, then a box "TIN LIÊN QUAN" before the text and a related story and the tags
    // after it.
    Expected {
        file: "html/baodautu-01.html",
        title: "Xử phạt Giám đốc tài chính Tập đoàn Tiên Sơn Thanh Hoá vì thao túng cổ phiếu",
        lead: Some("Ông Tống Anh Linh - Giám đốc tài chính của CTCP Tập đoàn Tiên Sơn"),
        published_at: Some("2026-03-07T08:47:00+07:00"),
        authors: &["Nguyên Minh"],
        agency: None,
        section: None,
        body_opens: "Uỷ ban Chứng khoán Nhà nước vừa có quyết định xử phạt vi phạm hành chính",
        body_ends:
            "ý kiến ngoại trừ đối với báo cáo tài chính của công ty này trong vòng 2 năm trước.",
        not_in_body: &[
            "TIN LIÊN QUAN",
            "Một cá nhân bị xử phạt vì dùng 19 tài khoản",
            "Xử phạt hai cá nhân thao túng cổ phiếu SJS",
            "#xử phạt",
        ],
        captions: &[(
            "anh-man-hinh-2026-03-06-luc-231256png1772814568.png",
            Some("Diễn biến cổ phiếu AAT trong giai đoạn 2021 - 2023"),
        )],
        images: Some(1),
    },
    // Người Lao Động, 2026: the section in a `detail-cate` over the headline, the writer and
    // the time under it, the sapo opening with the paper's "(NLĐO)- ", two pictures with
    // their captions in the text.
    Expected {
        file: "html/nld-02.html",
        title: "Những sai sót hộ kinh doanh thường gặp khi thực hiện quy định mới về thuế",
        lead: Some("Không ít hộ kinh doanh chưa quen với việc quản lý dữ liệu"),
        published_at: Some("2026-03-07T08:06:00+07:00"),
        authors: &["Minh Chiến"],
        agency: None,
        section: Some("Kinh tế"),
        body_opens: "Chính phủ vừa ban hành Nghị định 68/2026/NĐ-CP",
        body_ends: "nhưng tổng mức trừ không vượt quá 500 triệu đồng/năm.",
        not_in_body: &["(NLĐO)", "Chèn ads", "Minh Chiến"],
        captions: &[
            (
                "hkd-17728420216891004424574.jpg",
                Some("Chuyên gia về thuế đã nêu một số sai sót phổ biến"),
            ),
            (
                "88e33d4384b50aeb53a4-1772842116527832222816.jpg",
                Some("TS Nguyễn Hồng Trang, Giám đốc Đại lý thuế Linh Phong"),
            ),
        ],
        images: Some(2),
    },
    // Dân trí, 2012: the lead an `<h2>` between the headline and the text, opening with the
    // paper's "(Dân trí) - " and followed, after a line break, by a link to a related story
    // (">> Công chức, viên chức được nghỉ 9 ngày dịp Tết Âm lịch"). Microdata gives the day
    // alone ("2012-12-25"), the line over the headline its time ("Thứ Ba, 25/12/2012 -
    // 10:03"). Two writers sign under the text, aligned right in bold. Each picture's caption
    // is the centred line under it. The declared section is the system's default "News"
    // (the trail shows "Sự kiện"): not checked.
    Expected {
        file: "html/dantri-03.html",
        title: "Chốt lịch nghỉ lễ Tết 2013 của công chức, viên chức",
        lead: Some("UBND Hà Nội vừa thông báo về việc hoán đổi ngày nghỉ hàng tuần"),
        published_at: Some("2012-12-25T10:03:00+07:00"),
        authors: &["Quang Phong", "Tùng Nguyên"],
        agency: None,
        section: None,
        body_opens: "Cụ thể, trong dịp nghỉ Tết Dương lịch cán bộ, công chức, viên chức",
        body_ends: "phục vụ suốt 2/24 trong 4 ngày nghỉ Tết Dương lịch.",
        not_in_body: &[
            "Công chức, viên chức được nghỉ 9 ngày dịp Tết Âm lịch",
            "(Dân trí)",
            "Quang Phong",
            "Hoa đào đem không khí Tết đến mọi nhà",
        ],
        captions: &[
            (
                "Hoa-dao-2-bd433.jpg",
                Some("Hoa đào đem không khí Tết đến mọi nhà"),
            ),
            (
                "tetduonglich_20.12.2012-b49e9.JPG",
                Some("Tết Dương lịch năm nay, hầu hết cán bộ viên chức"),
            ),
        ],
        images: Some(2),
    },
    // Người Lao Động, 2012: under the headline the date line and the lead, an `<h3>` opening
    // with the paper's "(NLĐO) - ", both outside the text's `<div class="content">`; under
    // that element the writer signs "K. Miên" in a `<div>` aligned right and bold by its
    // style, then "[Quay lại]". The page declares `article:section` "News", its system's
    // default, where it shows "Pháp luật" over the headline: the record keeps the declared
    // one, and the section is not checked.
    Expected {
        file: "html/nld-01.html",
        title: "Thiếu tiền hụi, xách dao đi “nói chuyện” với chủ nợ",
        lead: Some("Cho rằng chủ hụi \"méc\" mẹ vợ chuyện mình thiếu nợ"),
        published_at: Some("2012-12-26T17:14:00+07:00"),
        authors: &["K. Miên"],
        agency: None,
        section: None,
        body_opens: "Chiều ngày 26-12, Tòa Phúc thẩm TAND Tối cao tại TPHCM",
        body_ends: "Sau khi gây án, Trung thuê xe ôm đến Công an đầu thú.",
        not_in_body: &["(NLĐO)", "K. Miên", "Quay lại"],
        captions: &[(
            "Trung_fe174.gif",
            Some("Đặng Văn Trung trong phiên phúc thẩm"),
        )],
        images: Some(1),
    },
    // Ngôi Sao, 2012 (VnExpress's entertainment site): a photo story, its text in its
    // thirteen pictures' nine captions, then "H.V." (initials, no name) and "Ảnh: Misso" set
    // right. The date is written by a script into the empty `<span id="pDateTime">`:
    // "Thứ năm, 20/12/2012, 16:10 GMT+7". Its trail ("Trang chủ › Hậu trường › Hollywood")
    // sits in a `<div class="navigationDetail">`, which names no trail: not checked.
    Expected {
        file: "html/ngoisao-01.html",
        title: "Hoa hậu Hoàn vũ 2011 gây sốc với hình ảnh xấu xí",
        lead: Some("Leila Lopes gây thất vọng với vẻ ngoài già và xấu"),
        published_at: Some("2012-12-20T16:10:00+07:00"),
        authors: &[],
        agency: None,
        section: None,
        body_opens: "Nhiều người không thể nhận ra Leila Lopes, người đẹp Angola",
        body_ends: "Ảnh: Misso",
        not_in_body: &[
            "Người đẹp Mỹ đăng quang Hoa hậu Hoàn vũ 2012",
            "Xem tiếp",
            "Bạn nghĩ gì",
            "Nhập ý kiến của bạn",
        ],
        captions: &[
            (
                "leila18.jpg",
                Some("Nhiều người không thể nhận ra Leila Lopes"),
            ),
            ("leila14.jpg", None),
        ],
        images: Some(13),
    },
    // Zing News, 2012, a story taken from Thanh Niên ("Theo Thanh Niên" under it): the lead an
    // `<h2 class="pHead">`, the date line "Cập nhật thứ sáu, ngày 30/11/12 04:00 chiều"
    // (afternoon), a subheading "Học tập theo..." opening the text under its one picture, a
    // box of opinions closing it. The section links beside the date sit in a
    // `<div class="subheader">`, which names no trail: not checked.
    Expected {
        file: "html/zingnews-02.html",
        title: "'Kêu trời' vì văn tả 'mũi con lợn bẹp gí như mũi bố'",
        lead: Some("Một ông bố kêu trời vì bài văn của con"),
        published_at: Some("2012-11-30T16:00:00+07:00"),
        authors: &[],
        agency: Some("Thanh Niên"),
        section: None,
        body_opens: "Học tập theo...",
        body_ends: "Cô Lê Ngọc Diệp - Trưởng phòng GD tiểu học Sở GD-ĐT TP.HCM",
        not_in_body: &[
            "Theo Thanh Niên",
            "Loạn chuẩn tiếng Việt",
            "Ngay từ bậc tiểu học đến THPT",
        ],
        captions: &[(
            "2012/11/30/1-28.jpg",
            Some("Ngay từ bậc tiểu học đến THPT, học sinh đã phải làm quen"),
        )],
        images: Some(1),
    },
    // Zing News, 2012: the lead set as an <h2 class="pHead">; "Nhóm PV" (the newsroom's
    // reporters) and "Theo Infonet" under the text, then "Tin tức gần đây" over other
    // stories. Its one date is the line under the headline, "Cập nhật thứ hai, ngày
    // 24/12/12 11:05 tối": a year of two digits, "tối" for the evening.
    Expected {
        file: "html/zingnews-01.html",
        title: "Mọi ngả đường về nhà thờ tắc nghẽn đêm Giáng sinh",
        lead: Some("Đêm Giáng sinh, 24/12, người dân khắp Việt Nam"),
        published_at: Some("2012-12-24T23:05:00+07:00"),
        authors: &[],
        agency: Some("Infonet"),
        section: None,
        body_opens: "Khu vực nhà thờ Lớn Hà Nội sôi động trong đêm lạnh",
        body_ends: "Mỗi nhà đều có một hang đá, cây thông.",
        not_in_body: &[
            "Nhóm PV",
            "Theo Infonet",
            "Tin tức gần đây",
            "Cảnh đời thai phụ",
        ],
        captions: &[],
        images: None,
    },
    // baochinhphu.vn, 2026: the breadcrumb in JSON-LD with HTML's entities in its names
    // ("Ch&#237;nh s&#225;ch"); boxes of links inside the text, each labelled "Tham khảo
    // thêm"; "(Chinhphu.vn) - " opens the lead.
    Expected {
        file: "html/baochinhphu-01.html",
        title: "Chính sách mới có hiệu lực từ tháng 3/2026",
        lead: Some("Tháng 3/2026 có nhiều chính sách mới có hiệu lực"),
        published_at: Some("2026-03-01T09:51:00+07:00"),
        authors: &[],
        agency: Some("Chinhphu.vn"),
        section: Some("Chính sách và cuộc sống"),
        body_opens: "3 hình thức khai thác, sử dụng thông tin về nhà ở",
        body_ends:
            "Đồng bào dân tộc thiểu số ở các xã đặc biệt khó khăn theo quy định của pháp luật.",
        not_in_body: &["Tham khảo thêm", "&#"],
        captions: &[],
        images: None,
    },
    // thesaigontimes.vn, 2018: the writer's name alone in a paragraph over the text (its
    // "SGTOAuthor"), then the paper's own tag "(TBKTSG) - " opening the first paragraph; the
    // date line "Thứ Năm, 21/6/2018, 10:20"; no address saved with the page.
    Expected {
        file: "html/thesaigontimes-01.html",
        title: "Báo giấy vẫn thú vị!",
        lead: None,
        published_at: Some("2018-06-21T10:20:00+07:00"),
        authors: &["Lê Ngọc Quỳnh"],
        agency: None,
        section: None,
        body_opens: "Tôi là “fan” của Thời báo Kinh tế Sài Gòn.",
        body_ends: "báo giấy của tôi vẫn “còn đất sống”!",
        not_in_body: &["(TBKTSG)", "Lê Ngọc Quỳnh", "adsbygoogle", "facebook"],
        captions: &[],
        images: None,
    },
    // tuoitre.vn, 2015: the sapo in <p class="txt-head"> opened by the paper's tag "TT - ",
    // the date line "23/03/2015 08:06 GMT+7", the writer in capitals under the text beside the
    // share buttons, a picture in a table with its caption in "ck_legend", and keywords that
    // only repeat the sapo.
    Expected {
        file: "html/tuoitre-03.html",
        lead: Some("Trao đổi với Tuổi Trẻ, ông Hoàng Nam Sơn, phó giám đốc Sở Xây dựng Hà Nội"),
        not_in_body: &["XUÂN LONG", "TT - ", "Ảnh: V.D"],
        captions: &[(
            "i26h1kAQ.jpg",
            Some("Chủ tịch UBND TP giao chánh thanh tra TP chủ trì thanh tra vụ chặt cây xanh"),
        )],
        ..TUOITRE_2015_STORY
    },
];

#[test]
fn real_pages_give_the_records_their_pages_show() {
    let parser = Parser::default().with_sites(rules::shipped_rules());
    let pages = real_pages::pages();
    let mut failures = Vec::new();
    for want in EXPECTED {
        let page = pages
            .iter()
            .find(|p| p.file == want.file)
            .unwrap_or_else(|| panic!("{} is not in the dataset", want.file));
        assert_eq!(page.kind, "article", "{}", want.file);
        let extraction = parser
            .parse(Page {
                bytes: &page.bytes,
                url: &page.url,
                http_charset: None,
                fetched_at: page.fetched_at,
            })
            .unwrap_or_else(|e| panic!("{}: {e}", want.file));
        let Extraction::Article(record) = extraction else {
            failures.push(format!("{}: not read as an article", want.file));
            continue;
        };
        let mut check = |field: &str, ok: bool, got: String| {
            if !ok {
                failures.push(format!("{}: {field}: got {got}", want.file));
            }
        };
        check("title", record.title == want.title, record.title.clone());
        if let Some(lead) = want.lead {
            let got = record.lead.clone().unwrap_or_default();
            check("lead", got.starts_with(lead), got);
        }
        let published = record.published_at.map(|t| t.to_string());
        check(
            "published_at",
            published.as_deref() == want.published_at,
            format!("{published:?}"),
        );
        check(
            "authors",
            record.authors == want.authors,
            format!("{:?}", record.authors),
        );
        check(
            "source_agency",
            record.source_agency.as_deref() == want.agency,
            format!("{:?}", record.source_agency),
        );
        if want.section.is_some() {
            check(
                "section",
                record.section.as_deref() == want.section,
                format!("{:?}", record.section),
            );
        }
        let first = record.body.split("\n\n").next().unwrap_or_default();
        let last = record.body.split("\n\n").last().unwrap_or_default();
        check(
            "body's start",
            first.starts_with(want.body_opens),
            first.to_string(),
        );
        check(
            "body's end",
            last.ends_with(want.body_ends),
            last.to_string(),
        );
        for phrase in want.not_in_body {
            check(
                "body",
                !record.body.contains(phrase),
                format!("{phrase:?} in it"),
            );
        }
        if let Some(count) = want.images {
            check(
                "images",
                record.images.len() == count,
                format!("{} of them", record.images.len()),
            );
        }
        for (ending, caption) in want.captions {
            let image = record.images.iter().find(|i| i.url.ends_with(ending));
            let got = image.map(|i| i.caption.as_deref());
            let ok = match (got, caption) {
                (Some(Some(got)), Some(want)) => got.starts_with(want),
                (Some(None), None) => true,
                _ => false,
            };
            check(&format!("caption of {ending}"), ok, format!("{got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
