//! Per-site rules on a page whose markup misleads the generic extraction: no `<h1>`, a
//! generic `<title>`, a long "more from this section" box inside the article column with a
//! class the boilerplate hints do not know, the date, the byline and the section in
//! site-specific elements.

use tinstream_parser::{Extraction, Page, Parser, SiteRule, SiteRuleConfig, SiteRules};
use url::Url;

const PAGE: &str = r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Báo Ví Dụ - Tin tức 24h</title></head><body>
<div class="khung">
 <a class="chuyen-muc" href="/giao-thong/">Giao thông</a>
 <h2 class="tieu-de-bai">Mở rộng mạng lưới xe buýt điện tại Thủ đô</h2>
 <p class="thoi-gian">Cập nhật lúc 08:30, ngày 12/03/2024</p>
 <div class="tom-tat">Hà Nội sẽ bổ sung 20 tuyến xe buýt điện trong năm nay.</div>
 <div class="noi-dung">
  <p>Theo Sở Giao thông vận tải, các tuyến mới sẽ kết nối những khu đô thị lớn ở phía tây với trung tâm thành phố, giảm áp lực cho các tuyến hiện có.</p>
  <p>Đơn vị vận hành cho biết toàn bộ phương tiện mới đều sử dụng năng lượng điện, có trang bị hệ thống hỗ trợ người khuyết tật và thanh toán không dùng tiền mặt.</p>
  <div class="hop-doc-them">
   <p>Người dân phản ánh tình trạng ùn tắc kéo dài trên nhiều tuyến phố trung tâm trong giờ cao điểm buổi sáng và buổi chiều hằng ngày.</p>
   <p>Thành phố tiếp tục triển khai các giải pháp tổ chức giao thông mới tại những nút giao thường xuyên xảy ra ùn tắc kéo dài.</p>
  </div>
  <p>Dự kiến đến cuối năm, tỷ lệ xe buýt sử dụng năng lượng sạch của thành phố sẽ đạt khoảng một phần ba tổng số phương tiện đang hoạt động.</p>
 </div>
 <p class="ten-tac-gia">Minh Anh</p>
</div>
</body></html>"#;

fn parse(parser: &Parser) -> tinstream_model::Article {
    let url = Url::parse("https://baovidu.vn/giao-thong/mo-rong-xe-buyt-dien-901.html").unwrap();
    match parser
        .parse(Page {
            bytes: PAGE.as_bytes(),
            url: &url,
            http_charset: None,
            fetched_at: chrono::Utc::now(),
        })
        .unwrap()
    {
        Extraction::Article(record) => *record,
        other => panic!("not an article: {other:?}"),
    }
}

#[test]
fn a_site_rule_puts_each_part_where_it_belongs() {
    let config: SiteRuleConfig = toml::from_str(
        r#"
domains = ["baovidu.vn"]
title = "h2.tieu-de-bai"
lead = ".tom-tat"
body = ".noi-dung"
published = ".thoi-gian"
authors = ".ten-tac-gia"
section = ".chuyen-muc"
remove = [".hop-doc-them"]
"#,
    )
    .unwrap();
    let rules = SiteRules::new(vec![SiteRule::compile(&config).unwrap()]);
    let record = parse(&Parser::default().with_sites(rules));
    assert_eq!(record.title, "Mở rộng mạng lưới xe buýt điện tại Thủ đô");
    assert_eq!(
        record.lead.as_deref(),
        Some("Hà Nội sẽ bổ sung 20 tuyến xe buýt điện trong năm nay.")
    );
    assert_eq!(
        record.body,
        "Theo Sở Giao thông vận tải, các tuyến mới sẽ kết nối những khu đô thị lớn ở phía tây với trung tâm thành phố, giảm áp lực cho các tuyến hiện có.\n\n\
Đơn vị vận hành cho biết toàn bộ phương tiện mới đều sử dụng năng lượng điện, có trang bị hệ thống hỗ trợ người khuyết tật và thanh toán không dùng tiền mặt.\n\n\
Dự kiến đến cuối năm, tỷ lệ xe buýt sử dụng năng lượng sạch của thành phố sẽ đạt khoảng một phần ba tổng số phương tiện đang hoạt động."
    );
    assert_eq!(
        record.published_at.unwrap().to_string(),
        "2024-03-12T08:30:00+07:00"
    );
    assert_eq!(record.authors, vec!["Minh Anh"]);
    assert_eq!(record.section.as_deref(), Some("Giao thông"));
}

#[test]
fn without_the_rule_the_same_page_loses_its_title_and_keeps_the_box() {
    let record = parse(&Parser::default());
    assert_ne!(record.title, "Mở rộng mạng lưới xe buýt điện tại Thủ đô");
    assert_eq!(record.section, None);
    assert!(
        record.body.contains("Người dân phản ánh"),
        "{}",
        record.body
    );
}

#[test]
fn a_rule_for_another_site_changes_nothing() {
    let config = SiteRuleConfig {
        domains: vec!["khac.vn".into()],
        title: Some("h2".into()),
        ..SiteRuleConfig::default()
    };
    let rules = SiteRules::new(vec![SiteRule::compile(&config).unwrap()]);
    let with = parse(&Parser::default().with_sites(rules));
    let without = parse(&Parser::default());
    assert_eq!(with.title, without.title);
    assert_eq!(with.body, without.body);
}
