//! What surrounds an article and is not part of it, recognised by its words: share and
//! feedback widgets, related-news headings, imprints and agency credits (bylines are in
//! [`crate::bylines`]).
//!
//! The structural rules in [`crate::dom`] remove most boilerplate by class and id; the phrases
//! here are the second line of defence for pages whose markup says nothing, such as the old
//! table-based portals. Phrases are compared after lower-casing and trimming punctuation, and
//! only against short lines, so an article sentence that happens to contain "chia sẻ" stays.

use crate::bylines::byline_names;
use regex::Regex;
use std::sync::LazyLock;

/// Lines that are widgets or labels: dropped wherever they stand.
const WIDGET_LINES: &[&str] = &[
    "gửi cho bạn bè",
    "gửi bạn bè",
    "gửi bài viết",
    "in bài",
    "in bài viết",
    "bản in",
    "phản hồi",
    "gửi phản hồi",
    "chia sẻ",
    "chia sẻ bài viết",
    "lưu bài",
    "lưu bài viết",
    "gửi bình luận",
    "quay lại",
    "về đầu trang",
    "đầu trang",
    "trở lại",
    "tweet",
    "facebook",
    "zalo",
    "email",
    "print",
    "share",
    "share this",
    "share this article",
    "theo dõi chúng tôi trên google news",
    "theo dõi",
    "quảng cáo",
    "advertisement",
    "xem thêm",
    "đọc thêm",
    // The label of a box of links set inside the text (baochinhphu.vn), when the link's
    // title has gone with the link.
    "tham khảo thêm",
    "đọc tiếp",
    "video",
    "like this",
    "share on facebook",
    "share on twitter",
    "teilen",
    "teilen sie dies mit",
    "diesen artikel teilen",
    "diesen beitrag teilen",
    "artikel teilen",
    "beitrag teilen",
    "seite teilen",
    "share this post",
    "share this story",
    "share this page",
    "drucken",
    "pdf herunterladen",
    "als pdf herunterladen",
    "keine kommentare",
    "noch keine kommentare",
    "no comments",
    "no comments yet",
    // The placeholder of an embed that waits for the reader's consent.
    "externer inhalt",
    "externe inhalte",
    "sharen mit",
    "bewerten",
    "gefällt mir",
    "partager",
    "compartir",
    "condividi",
    "whatsapp",
    // Rating and feedback prompts, and image labels.
    "was this article helpful",
    "was this helpful",
    "rate this article",
    "war der artikel nützlich",
    "wie bewerten sie diesen artikel",
    "möchten sie den artikel teilen",
    "noch keine bewertungen",
    "kommentieren",
    "bild anzeigen",
    // A table of contents' heading (its entries are links, left out as such).
    "table of contents",
    "inhaltsverzeichnis",
    "mục lục",
    "beitragsbild",
    "dieses blog durchsuchen",
    // Video players' chrome, as their markup leaves it in the text.
    "video is loading",
    "trình phát video",
    "đang tải video",
    "video đang được tải",
    "this video is unavailable",
    // A reader comment's actions: the comment around them is not the article.
    "xem thêm ý kiến",
    "xem thêm bình luận",
    "xem tất cả bình luận",
];

/// Headings after which nothing more belongs to the article: related and other news lists,
/// comment sections, feedback forms (Vietnamese, English, German, French, Spanish, Italian,
/// Portuguese).
const END_LINES: &[&str] = &[
    "các tin khác",
    "tin khác",
    "các tin đã đưa",
    "tin liên quan",
    "bài liên quan",
    "bài viết liên quan",
    "tin cùng chuyên mục",
    "cùng chuyên mục",
    "tin mới nhất",
    "tin mới",
    "tin đọc nhiều",
    "đọc nhiều nhất",
    "xem nhiều nhất",
    "tin nổi bật",
    "tin tức gần đây",
    // The tags' label: what follows it is the page's, no longer the article's.
    "từ khóa",
    "từ khoá",
    // "Follow the story": the topic's other articles (VnExpress's older sites).
    "theo dòng sự kiện",
    "dòng sự kiện",
    "thông tin người gửi phản hồi",
    "ý kiến của bạn đọc",
    "bạn đọc bình luận",
    "gửi ý kiến",
    "viết bình luận",
    "ý kiến bạn đọc",
    "ý kiến của bạn",
    "bình luận",
    "bình luận của bạn",
    "related",
    "related articles",
    "related news",
    "related stories",
    "more stories",
    "more from",
    "read more",
    "read next",
    "you may also like",
    "recommended",
    "comments",
    "leave a comment",
    "leave a reply",
    "related posts",
    "you might also like",
    "you might like",
    "other posts you may enjoy",
    "posts you may enjoy",
    "what to read next",
    "good articles to read together",
    "you may be interested in the following topics as well",
    "about the author",
    "read this next",
    "also in the news",
    "recent posts",
    "popular posts",
    "most popular",
    "sponsored content",
    // German.
    "ähnliche beiträge",
    "ähnliche artikel",
    "verwandte artikel",
    "das könnte dich auch interessieren",
    "das könnte sie auch interessieren",
    "das thema könnte dich auch interessieren",
    "sie könnten auch an folgenden artikeln interessiert sein",
    "auch interessant",
    "mehr zum thema",
    "zum thema",
    "weitere artikel",
    "weitere meldungen",
    "weitere nachrichten",
    "weitere news",
    "mehr meldungen",
    "mehr nachrichten",
    "beliebte beiträge",
    "beliebte beiträge zum thema",
    "zum weiterlesen",
    "lesen sie auch",
    "lesen sie auch die folgenden beiträge",
    "schon gelesen",
    "mehr themen",
    "lust auf mehr",
    "empfohlene beiträge",
    "weiterlesen",
    "siehe auch",
    "neueste artikel",
    "artikel und videos zum thema",
    "kommentare",
    "kommentar schreiben",
    "kommentare schreiben",
    "schreibe einen kommentar",
    "hinterlasse einen kommentar",
    "über den autor",
    "ähnliche themen",
    "weitere themen",
    "topmeldungen",
    "meistgelesen",
    "meistgelesene artikel",
    "meistdiskutierte artikel",
    "kommentar hinterlassen",
    // A German press release's closing block: its contacts and further information, links
    // and addresses. (English "Sources", "References", "More information" were measured too:
    // wcxb-articles annotates what follows them as text.)
    "weitere informationen",
    "weiterführende informationen",
    "zusatzinformationen",
    "kontakt",
    "pressekontakt",
    "ansprechpartner",
    // A German article's list of sources ("Literatur" was measured too: one annotated as
    // text follows it).
    "quellen",
    "quellenangaben",
    "quellenverzeichnis",
    // French.
    "articles similaires",
    "sur le même sujet",
    "à lire aussi",
    "lire aussi",
    "commentaires",
    "laisser un commentaire",
    "audios et vidéos sur le sujet",
    // Spanish and Italian.
    "artículos relacionados",
    "noticias relacionadas",
    "notas relacionadas",
    "mirá también",
    // Portuguese.
    "veja também",
    "leia também",
    "relacionadas",
    "también te puede interesar",
    "comentarios",
    "deja un comentario",
    "articoli correlati",
    "potrebbe interessarti anche",
    "commenti",
    "lascia un commento",
];

/// Prefixes of link lines that point elsewhere ("Xem thêm: ...", and the bare ">> " before
/// each of the other stories older Vietnamese papers list under the text).
static REFERRAL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:>>\s*)?(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|read more|see also|related)\s*(?::|>>|»)|^>>\s*\S")
        .expect("static regex is valid")
});

/// Lines of a Vietnamese paper's imprint, the masthead block every page ends with: its licence
/// ("Giấy phép số 1/GP-BC …"), editors ("Tổng biên tập: …"), newsroom address and telephone,
/// and its copyright notice. A label and its colon open the line, or the line is the notice.
static IMPRINT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:giấy phép(?: số| hoạt động| thiết lập| xuất bản)?|(?:phó )?tổng biên tập|thư ký tòa soạn|phụ trách nội dung|tòa soạn|toà soạn|trụ sở(?: chính)?|văn phòng đại diện|cơ quan chủ quản|chịu trách nhiệm(?: nội dung| xuất bản| quản lý nội dung)?|đt|điện thoại|fax|hotline|đường dây nóng)\s*:|giấy phép số|ấn phẩm (?:thuộc|của)|bản quyền (?:thuộc|©)|.{0,80}giữ bản quyền|việc sử dụng nội dung|.{0,40}ghi rõ nguồn)",
    )
    .expect("static regex is valid")
});

/// Labels that open a line of the page's furniture rather than its text: the thread a story
/// belongs to ("Dòng sự kiện: Giá xăng dầu"), its topics and keywords (Vietnamese labels;
/// English "Tags:" lines were tried and cost body text on wcxb-articles), and the credit of the
/// article's picture under a German label ("Titelbild: …", "Beitragsbild: …"; English "Photo
/// credit:" lines are annotated as text on wcxb-articles).
static LABEL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:dòng sự kiện|sự kiện|chủ đề|từ khóa|từ khoá|titelbild|beitragsbild|aufmacherbild|bildnachweis)\s*:")
        .expect("static regex is valid")
});

/// A paywall's or a registration wall's prompt, where the text stops for readers who have not
/// paid ("Subscribe now to our e-edition for the full story.", "Already a subscriber? Log in",
/// "Kostenlos registrieren und weiterlesen", "Pour lire la suite, abonnez-vous"), and the
/// prompt of a sign-up form set in the text ("Sign up to get the best content of the week,
/// and great gaming deals, as picked by the editors."). Asked only of short lines
/// ([`MAX_PAYWALL_LINE_CHARS`]): an article may well speak of subscriptions.
static PAYWALL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"subscri.{0,80}(?:full story|continue reading|full access|unlimited access|full article)|(?:full story|continue reading|read the full|keep reading).{0,60}subscri|already (?:a )?(?:subscriber|member)\W{1,3}(?:\w+ ){0,3}(?:log|sign) ?in|registrieren und weiterlesen|(?:abonnieren|abo abschließen) und weiterlesen|^pour (?:lire la suite|accéder en illimité)|^sign up (?:to|for) (?:get|receive) ",
    )
    .expect("static regex is valid")
});

/// The longest line read as a paywall's prompt.
const MAX_PAYWALL_LINE_CHARS: usize = 150;

/// A line that asks the reader to sign up or follow, the whole line and nothing more: "Join
/// our newsletter", "Sign up for the Replay newsletter", "Subscribe to our weekly newsletter",
/// "Pin this for later!", "Follow us on Facebook", "Article continues below"; the label
/// "Advertising Disclosure" (and a newsletter's name, see [`names_a_newsletter`]). Checked
/// against the datasets' annotated text: no line of an article's own reads so.
static PROMPT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?:join|subscribe to|sign up (?:for|to)|get) (?:our |the |my )?.{0,40}(?:newsletter|mailing list)|pin (?:this )?for later|follow us on (?:social media|facebook|instagram|twitter|x)|article continues below|stay connected with (?:me|us)|advertising disclosure)\W*$|subscribe to (?:the|our) (?:monthly |weekly |daily )?newsletter\W*$",
    )
    .expect("static regex is valid")
});

/// Whether a line is a newsletter's name and nothing more ("PC Gamer Newsletter", "The Quanta
/// Newsletter"): one to three words of a name before "newsletter", none of them a word of a
/// sentence ("Why I started a newsletter", "The newsletter").
fn names_a_newsletter(lower: &str) -> bool {
    const SENTENCE_WORDS: &[&str] = &[
        "the", "a", "an", "our", "my", "your", "this", "that", "why", "how", "what", "i", "we",
        "to", "of", "about", "new",
    ];
    let line = lower.trim_end_matches(|c: char| !c.is_alphanumeric());
    let Some(name) = line.strip_suffix("newsletter") else {
        return false;
    };
    let name = name.strip_prefix("the ").unwrap_or(name);
    let words: Vec<&str> = name.split_whitespace().collect();
    (1..=3).contains(&words.len())
        && name.ends_with(' ')
        && words
            .iter()
            .all(|w| !SENTENCE_WORDS.contains(w) && w.chars().all(char::is_alphanumeric))
}

/// An advertisement's or a sponsor's label opening a short line ("Anzeige:", "Werbung. Dieser
/// Beitrag enthält Werbung für …", "Advertisement: New AI Book"), a pager's label ("Page 1
/// of 8", "Seite 2 von 5"), and a text-size control ("Cỡ chữ : A- A A+").
static LABEL_OF_ADS_OR_PAGES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\*?anzeige|\*?werbung|advertisement|sponsored|gesponsert)\s*[:.,|]|^(?:page|seite) \d+ (?:of|von) \d+\W*$|^cỡ chữ\s*:?\s*a-",
    )
    .expect("static regex is valid")
});

/// A heading's count of what follows it, "(12)" or ": 12", which says nothing of what it is.
static TRAILING_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*(?:\(\s*\d+\s*\)|\[\s*\d+\s*\]|:\s*\d+)\s*$").expect("static regex is valid")
});

/// The phrase matchers, with the configurable additions.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    extra_widgets: Vec<String>,
    extra_ends: Vec<String>,
}

impl Phrases {
    /// Builds the matchers, adding the configured phrases to the built-in ones.
    pub fn new(extra_widgets: &[String], extra_ends: &[String]) -> Self {
        Phrases {
            extra_widgets: extra_widgets.iter().map(|p| key(p)).collect(),
            extra_ends: extra_ends.iter().map(|p| key(p)).collect(),
        }
    }

    /// A widget or label line, a referral to another article, or a line of the paper's
    /// imprint.
    pub fn is_widget(&self, line: &str) -> bool {
        let chars = line.chars().count();
        if chars > 200 {
            return false;
        }
        // Lower-cased once for every test below.
        let lower = line.trim().to_lowercase();
        if IMPRINT_LINE.is_match(&lower)
            || (chars <= 120 && LABEL_LINE.is_match(&lower))
            || (chars <= MAX_PAYWALL_LINE_CHARS && PAYWALL_LINE.is_match(&lower))
        {
            return true;
        }
        if chars > 80 {
            return false;
        }
        let k = key_of_lower(&lower);
        k.is_empty()
            || WIDGET_LINES.contains(&k.as_str())
            || PROMPT_LINE.is_match(&lower)
            || names_a_newsletter(&lower)
            || LABEL_OF_ADS_OR_PAGES.is_match(&lower)
            || self.extra_widgets.contains(&k)
            || REFERRAL_PREFIX.is_match(&lower)
    }

    /// A heading that ends the article.
    pub fn is_end(&self, line: &str) -> bool {
        if line.chars().count() > 60 {
            return false;
        }
        // The count is digits (of any script): a line without any has none to drop.
        let k = if line.chars().any(char::is_numeric) {
            key(&TRAILING_COUNT.replace(line, ""))
        } else {
            key(line)
        };
        END_LINES.contains(&k.as_str()) || self.extra_ends.contains(&k)
    }
}

/// A line lower-cased, with punctuation and symbols at both ends trimmed and inner white space
/// folded.
fn key(line: &str) -> String {
    key_of_lower(&line.to_lowercase())
}

/// [`key`] of a line already lower-cased.
fn key_of_lower(lower: &str) -> String {
    let trimmed = lower.trim_matches(|c: char| !c.is_alphanumeric());
    let mut key = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}

/// News agencies whose credit lines appear on Vietnamese and international news pages.
const AGENCIES: &[&str] = &[
    "ttxvn",
    "ttxvn/vietnam+",
    "ttxvn/vna",
    "vietnam+",
    "vna",
    "đcsvn",
    "vov",
    "vov.vn",
    "vtv",
    "vtc",
    "chinhphu.vn",
    "qđnd",
    "nhân dân",
    "reuters",
    "afp",
    "ap",
    "xinhua",
    "tân hoa xã",
    "bloomberg",
    "kyodo",
    "yonhap",
    "sputnik",
    "tass",
    "bbc",
    "cnn",
];

/// Vietnamese news outlets, whose name on another paper's page credits the story's source
/// ("Dân Trí", "Theo VietNamNet"): a source, never an author.
const OUTLETS: &[&str] = &[
    "dân trí",
    "dantri",
    "vnexpress",
    "tuổi trẻ",
    "tuoi tre",
    "thanh niên",
    "thanh nien",
    "vietnamnet",
    "vietnamplus",
    "zing",
    "zing news",
    "znews",
    "tri thức trực tuyến",
    "lao động",
    "người lao động",
    "tiền phong",
    "sài gòn giải phóng",
    "sggp",
    "công an nhân dân",
    "cand",
    "quân đội nhân dân",
    "báo tin tức",
    "vtc news",
    "kenh14",
    "kênh 14",
    "soha",
    "cafef",
    "cafebiz",
    "genk",
    "vneconomy",
    "thể thao & văn hóa",
    "thể thao và văn hóa",
    "pháp luật tp.hcm",
    "kinh tế & đô thị",
    "hà nội mới",
    "đài tiếng nói việt nam",
    "báo điện tử chính phủ",
    // The tags the papers' online editions open their own stories with ("(TNO)", "TTO -",
    // "(NLĐO)-", "(TBKTSG) -").
    "tno",
    "tt",
    "tto",
    "nlđo",
    "nldo",
    "plo",
    "sggpo",
    "tbktsg",
    "antđ",
    "antd",
    "qđnd",
    "qdnd",
    "vtc",
    "infonet",
];

/// Credits that name the newsroom's own staff, not an agency nor an author.
pub(crate) const STAFF: &[&str] = &[
    "pv",
    "btv",
    "ctv",
    "nv",
    "pv/btv",
    "nhóm pv",
    "tổng hợp",
    "th",
];

/// What a credit names.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Credit {
    /// An agency or another outlet: the story's source.
    Agency(String),
    /// The newsroom's own staff ("PV", initials): nobody to name.
    Staff,
    /// People: "Theo Hồ Hương" attributes the story to its writer.
    People(Vec<String>),
}

/// Classifies the inside of a credit such as "(TTXVN)", "(PV)" or "(Theo AFP)", or a source
/// such as "Vietnamnet/Reuters". Never [`Credit::People`]: a name alone is not a credit.
pub(crate) fn classify_credit(inner: &str) -> Option<Credit> {
    known_credit(inner).or_else(|| {
        // An unknown all-capitals word of four letters or more is an agency; several such
        // words are a name set in capitals ("LEONARDO GARCIA").
        let inner = inner.trim();
        let letters: Vec<char> = inner.chars().filter(|c| c.is_alphabetic()).collect();
        let one_word = !inner.contains(char::is_whitespace);
        (one_word
            && inner.chars().count() <= 40
            && letters.len() >= 4
            && letters.iter().all(|c| c.is_uppercase()))
        .then(|| Credit::Agency(inner.to_string()))
    })
}

/// What [`classify_credit`] knows by name: an agency, an outlet, a site under `.vn`, sources
/// one after the other, the newsroom's staff. This is all a credit standing bare, without the
/// brackets or the "Theo"/"Nguồn" that mark one, may be: an unknown word in capitals there is
/// a place's dateline ("CAIRO —", "WASHINGTON –"), a kicker ("MIGRATION –") or a label
/// ("ANZEIGE"), not an agency.
fn known_credit(inner: &str) -> Option<Credit> {
    let inner = inner.trim();
    // "Theo AFP": the source is what follows.
    if let Some(rest) = strip_theo(inner) {
        return match classify_credit(rest)? {
            Credit::Agency(name) => Some(Credit::Agency(name)),
            _ => None,
        };
    }
    let lower = inner.to_lowercase();
    if lower.is_empty() || inner.chars().count() > 40 {
        return None;
    }
    // Known agencies first: "VOV" or "AP" would otherwise pass for initials.
    if AGENCIES.contains(&lower.as_str()) || lower.contains("ttxvn") {
        return Some(Credit::Agency(canonical_agency(inner)));
    }
    if is_outlet(inner) || lower.ends_with(".vn") {
        return Some(Credit::Agency(inner.to_string()));
    }
    // Sources one after the other, "Vietnamnet/Reuters": a source when every part is one.
    if inner.contains('/') && !STAFF.contains(&lower.as_str()) {
        let all_sources = inner
            .split('/')
            .all(|part| matches!(classify_credit(part), Some(Credit::Agency(_))));
        if all_sources {
            return Some(Credit::Agency(inner.to_string()));
        }
    }
    if STAFF.contains(&lower.as_str()) || is_initials(inner) {
        return Some(Credit::Staff);
    }
    None
}

/// Whether a text is a web address or a site's domain name ("https://…", "www.…",
/// "TRIBUNNEWS.COM", "coryd.dev").
pub(crate) fn is_web_address(text: &str) -> bool {
    static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)https?:|www\.|[\w-]\.[a-z]{2,6}$").expect("static regex is valid")
    });
    ADDRESS.is_match(text.trim())
}

/// Whether a source is one of the Vietnamese outlets rather than an agency.
fn is_outlet(name: &str) -> bool {
    let lower = name.to_lowercase();
    OUTLETS.contains(&lower.as_str()) || lower.contains("channelvn")
}

/// The credit without its opening "Theo " ("according to"), if it has one.
fn strip_theo(credit: &str) -> Option<&str> {
    let (word, rest) = credit.trim().split_once(char::is_whitespace)?;
    (word.to_lowercase() == "theo" && !rest.trim().is_empty()).then(|| rest.trim())
}

/// One name per agency: the radio's site "VOV.VN" signs for VOV.
fn canonical_agency(name: &str) -> String {
    match name.to_lowercase().as_str() {
        "vov.vn" => "VOV".to_string(),
        _ => name.to_string(),
    }
}

/// A closing signature that names writers and an agency at once: "Hải Yến/VOV-Miền Trung",
/// "Quang Minh/VOV.VN", "PV/VOV", "Tin, ảnh: Văn Đức (TTXVN)", "Như Tâm (Theo Reuters)".
/// Returns the names (staff initials give none) and the agency.
pub(crate) fn signature(line: &str) -> Option<(Vec<String>, String)> {
    static PAREN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(.{2,60}?)\s*\(\s*(?i:theo\s+)?([^()]{2,40}?)\s*\)\s*\.?$")
            .expect("static regex is valid")
    });
    // "Theo Sầm Hoa (Vietnamnet/Reuters)": the writer and the source, as without "Theo".
    let line = strip_theo(line).unwrap_or(line.trim());
    if line.is_empty() || line.chars().count() > 80 {
        return None;
    }
    let names_of = |who: &str| -> Option<Vec<String>> {
        match classify_credit(who) {
            Some(Credit::Staff) => Some(Vec::new()),
            _ => byline_names(who),
        }
    };
    // "Names/AGENCY" with an optional "-Region" (VOV's bureaus).
    if let Some((who, rest)) = line.split_once('/') {
        let agency = rest.split(['-', '–']).next().unwrap_or("").trim();
        if let Some(Credit::Agency(agency)) = classify_credit(agency) {
            if let Some(names) = names_of(who.trim()) {
                return Some((names, agency));
            }
        }
    }
    // "Names (AGENCY)" or "Names (Theo AGENCY)".
    let c = PAREN.captures(line)?;
    let theo = c[0].to_lowercase().contains("(theo ");
    let agency = match classify_credit(&c[2]) {
        Some(Credit::Agency(agency)) => agency,
        // "(Theo Reuters)" credits whatever it names; "(PV)" alone is not an agency.
        _ if theo => c[2].trim().to_string(),
        _ => return None,
    };
    let names = names_of(c[1].trim())?;
    (!names.is_empty()).then_some((names, agency))
}

/// Initials such as "H.A", "N.H." or "TL": staff signatures.
pub(crate) fn is_initials(s: &str) -> bool {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:\p{Lu}\.?\s?){1,3}$|^\p{Lu}{1,2}(?:\.\p{Lu}{1,2})+\.?$")
            .expect("static regex is valid")
    });
    RE.is_match(s)
}

/// A credit at the end of the last paragraph: "... (TTXVN)", or a line "Theo TTXVN",
/// "Nguồn: Reuters". Returns the text before the credit and what the credit names.
pub(crate) fn trailing_credit(paragraph: &str) -> Option<(String, Credit)> {
    static PAREN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\(\s*([^()]{1,40}?)\s*\)\s*[.]?\s*$").expect("static regex is valid")
    });
    static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:theo|nguồn\s*:|nguồn|source\s*:)\s*(.{2,60}?)\s*\.?\s*$")
            .expect("static regex is valid")
    });
    if let Some(c) = PAREN.captures(paragraph) {
        let whole = c.get(0)?;
        if let Some(credit) = classify_credit(&c[1]) {
            return Some((paragraph[..whole.start()].trim_end().to_string(), credit));
        }
    }
    // A bare signature line: "TTXVN", "PV/VOV", "BTV/TTXVN".
    let bare = paragraph.trim().trim_end_matches('.');
    if bare.chars().count() <= 30 && !bare.contains(' ') {
        let credits: Vec<Credit> = bare
            .split('/')
            .map(known_credit)
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        if !credits.is_empty() {
            let agency = credits.into_iter().find(|c| matches!(c, Credit::Agency(_)));
            return Some((String::new(), agency.unwrap_or(Credit::Staff)));
        }
    }
    // An outlet's name alone ("Dân Trí"), or the newsroom's staff ("Nhóm PV").
    if bare.chars().count() <= 30 {
        if let Some(credit) = known_credit(bare) {
            return Some((String::new(), credit));
        }
    }
    if paragraph.chars().count() <= 70 {
        if let Some(c) = SOURCE_LINE.captures(paragraph) {
            let name = c[1].trim();
            // "Theo dòng sự kiện:" ("follow the story:"): a label over what follows, no
            // source.
            if name.ends_with(':') {
                return None;
            }
            // A source is an agency or outlet; "Theo Hồ Hương" names the writer instead.
            let credit = match classify_credit(name) {
                Some(credit) => credit,
                None => match byline_names(name) {
                    Some(names) => Credit::People(names),
                    None => Credit::Agency(name.to_string()),
                },
            };
            return Some((String::new(), credit));
        }
    }
    None
}

/// A credit that opens the lead or first paragraph: "(ĐCSVN) - ", "Hà Nội (TTXVN) - ",
/// "VOV.VN - ", or the site's own tag such as "TTO - " or "(Dân trí) - ". Returns the paragraph
/// without it, and the agency when the credit names one (a site's own tag names none).
pub(crate) fn leading_credit(paragraph: &str) -> Option<(String, Option<String>)> {
    static PAREN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:[\p{Lu}][\p{L} .]{0,25}?\s*)?\(\s*([^()]{2,30}?)\s*\)\s*[-–—:]\s*")
            .expect("static regex is valid")
    });
    static BARE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*([\p{Lu}][\p{Lu}\d.+/]{1,20})\s*[-–—]\s+").expect("static regex is valid")
    });
    // A paper's own tag in brackets needs no dash after it: "(TNO) TAND TP.Đà Nẵng ngày
    // 19.12 xét xử …" (Thanh Niên, 2012).
    static TAG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*\(\s*([^()]{2,30}?)\s*\)\s+\p{Lu}").expect("static regex is valid")
    });
    // So does an agency's name; other words in brackets there are the text's own.
    if let Some(c) = TAG
        .captures(paragraph)
        .filter(|_| !PAREN.is_match(paragraph))
    {
        let tag = c.get(1)?;
        if let Some(Credit::Agency(name)) = known_credit(tag.as_str()) {
            let close = paragraph[tag.end()..].find(')')? + tag.end() + 1;
            let agency = (!is_outlet(&name)).then_some(name);
            return Some((paragraph[close..].trim_start().to_string(), agency));
        }
    }
    for (re, bare) in [(&*PAREN, false), (&*BARE, true)] {
        if let Some(c) = re.captures(paragraph) {
            let rest = paragraph[c.get(0)?.end()..].trim_start().to_string();
            if rest.is_empty() {
                return None;
            }
            // A bare word in capitals that no list knows is the place the story was filed
            // from ("CAIRO — Gunmen opened fire"): part of the text. A site's address is the
            // paper's own tag ("TRIBUNNEWS.COM - "), which names no agency.
            if bare && known_credit(&c[1]).is_none() {
                return is_web_address(&c[1]).then_some((rest, None));
            }
            // An outlet opening a story with its name is the paper's own tag ("(Dân trí) -");
            // others' stories are credited at their end ("Theo Dân trí").
            let agency = match classify_credit(&c[1]) {
                Some(Credit::Agency(name)) if !is_outlet(&name) => Some(name),
                _ => None,
            };
            return Some((rest, agency));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widget_and_end_lines() {
        let p = Phrases::default();
        let widgets = |lines: &[&str], expected: bool| {
            for line in lines {
                assert_eq!(p.is_widget(line), expected, "{line}");
            }
        };
        assert!(p.is_widget("Gửi cho bạn bè"));
        assert!(p.is_widget(" Phản hồi "));
        assert!(p.is_widget("Xem thêm: Giá vàng hôm nay tăng mạnh"));
        // An older paper's links to its other stories, a text-size control, a box's label.
        assert!(p.is_widget(">> Doanh nhân buôn ma túy xuyên quốc gia lãnh án chung thân"));
        assert!(p.is_widget("Cỡ chữ : A- A A+"));
        assert!(p.is_widget("Tham khảo thêm"));
        assert!(!p.is_widget("Cỡ chữ trên bảng hiệu phải đủ lớn để người đi đường đọc được."));
        assert!(p.is_end("Tin tức gần đây"));
        assert!(p.is_end("Theo dòng sự kiện:"));
        assert!(p.is_end("Từ khóa"));
        assert!(!p.is_end("Từ khóa của năm là chuyển đổi số"));
        assert!(!p.is_widget("Người dân chia sẻ rằng giá cả đã tăng."));
        assert!(p.is_widget("War der Artikel nützlich?"));
        assert!(p.is_widget("Diesen Artikel teilen"));
        assert!(p.is_widget("Keine Kommentare"));
        assert!(p.is_widget("Externer Inhalt"));
        assert!(p.is_widget("Anzeige, enthält Affiliate Links"));
        assert!(p.is_widget("*Werbung. Dieser Beitrag enthält Werbung für Marini."));
        assert!(p.is_widget("Advertisement: New AI Book"));
        assert!(p.is_widget("Page 1 of 8"));
        assert!(!p.is_widget("Anzeigen gegen Unbekannt wurden erstattet."));
        assert!(!p.is_widget("Page 1 of the report lists the findings."));
        assert!(p.is_widget("(Noch keine Bewertungen)"));
        assert!(!p.is_widget("War der Artikel nützlich für die Leser, die ihn bestellten?"));
        // A paper's imprint, wherever it lands, and the article sentences that name the same.
        widgets(
            &[
                "Giấy phép số: 1/GP-BC ngày 8 tháng 1 năm 2026 của Cục Báo chí.",
                "Tổng biên tập: Phạm Văn Hoành",
                "Phó tổng biên tập: Lê Trọng Minh; Đinh Hùng",
                "Tòa soạn: 34 Tuệ Tĩnh, Hai Bà Trưng, Hà Nội",
                "ĐT: 0243.845.0537 - Fax: 0243.823.5281",
                "Báo Tài chính - Đầu tư giữ bản quyền nội dung trên website này.",
                "© Bản quyền thuộc Báo Ví Dụ. Ghi rõ nguồn khi phát hành lại.",
                "Ấn phẩm thuộc Báo Tài chính - Đầu tư (Bộ Tài chính)",
            ],
            true,
        );
        widgets(
            &[
                "Tổng biên tập báo Nhân Dân phát biểu tại hội nghị sáng nay.",
                "Theo giấy phép được cấp, doanh nghiệp được khai thác mỏ đến năm 2030.",
                "Điện thoại thông minh chiếm 80% doanh số của hãng trong quý.",
            ],
            false,
        );
        // Prompts to sign up or follow, and sentences that speak of newsletters.
        widgets(
            &[
                "Join Our Newsletter",
                "Sign up for The Replay newsletter",
                "Like What You're Reading? Subscribe To The Monthly Newsletter!",
                "Pin this for later!",
                "Follow us on Facebook",
                "Article Continues Below",
                "PC Gamer Newsletter",
                "Sign up to get the best content of the week, and great gaming deals, as picked by \
                 the editors.",
                "Advertising Disclosure",
            ],
            true,
        );
        widgets(
            &[
                "Join our newsletter editor as she walks through the archive.",
                "We sent the newsletter to 40,000 readers.",
                "Welcome to the State of AI newsletter",
                "The newsletter",
                "Why I started a newsletter",
            ],
            false,
        );
        // A paywall's prompts, and article sentences about subscriptions.
        widgets(
            &[
                "Subscribe now to our e-edition for the full story.",
                "To view the full story, please subscribe to The Island Times.",
                "If you're seeing this message but you're already a subscriber, you can log in for \
                 immediate access to this story.",
                "Already a member? Sign in to stop seeing this",
                "Kostenlos registrieren und weiterlesen",
                "Pour lire la suite de cet article, abonnez-vous.",
            ],
            true,
        );
        widgets(
            &[
                "The subscription costs $12.99 monthly or $79.99 annually for unlimited access, and \
                 I use it most mornings with coffee, usually getting through two or three pieces.",
                "Already a subscriber? View your reports here",
                "Readers who subscribe to the print edition pay twice what they did in 2019.",
            ],
            false,
        );
        // A German press release's closing block, other news, and a sentence that opens the
        // same way.
        for line in [
            "Weitere Informationen:",
            "Kontakt",
            "Pressekontakt",
            "Quellenangaben:",
            "Zum Thema",
            "Weitere Meldungen",
            "You might like",
            "Other Posts You May Enjoy",
        ] {
            assert!(p.is_end(line), "{line}");
        }
        assert!(
            !p.is_end("Weitere Informationen zum Projekt gibt es auf der Website des Instituts.")
        );
        assert!(p.is_end("Ý kiến bạn đọc (12)"));
        assert!(p.is_end("Bình luận: 5"));
        assert!(!p.is_end("Năm 2021"));
        widgets(
            &[
                "Dòng sự kiện: Giá xăng dầu",
                "Từ khóa: xăng dầu, giá cả",
                "Video is loading...",
                "Trình phát Video",
                "Xem thêm ý kiến",
                "Titelbild: Geyres Christophe/ABACA/picture-alliance",
                "Beitragsbild: Titelseite der FAZ vom 2.4.2019, Ausriss.",
            ],
            true,
        );
        assert!(!p.is_widget("Sự kiện diễn ra tại Hà Nội: hàng nghìn người tham dự."));
        assert!(!p.is_widget("Das Titelbild der Ausgabe zeigt den Kanzler: ein Foto von 1990."));
        assert!(p.is_end("Các tin khác"));
        assert!(p.is_end("Thông tin người gửi phản hồi"));
        assert!(p.is_end("TIN LIÊN QUAN:"));
        for heading in [
            "Read This Next",
            "ALSO IN THE NEWS",
            "Recent Posts",
            "Popular Posts",
            "Most Popular",
            "Sponsored Content",
            "Ähnliche Themen",
            "Meistgelesene Artikel",
            "Kommentar hinterlassen",
            "Audios et vidéos sur le sujet",
            "Zum Weiterlesen:",
            "Lesen Sie auch die folgenden Beiträge:",
            "Schon gelesen?",
            "Lust auf mehr?",
            "Siehe auch",
            "Mirá también",
            "NOTAS RELACIONADAS",
            "Veja Também:",
        ] {
            assert!(p.is_end(heading), "{heading}");
        }
        for heading in ["Table of contents", "Inhaltsverzeichnis", "Mục lục"] {
            assert!(p.is_widget(heading), "{heading}");
        }
        assert!(!p.is_end("Tin liên quan đến vụ việc đã được công bố sau đó ba ngày"));
        let custom = Phrases::new(&["Bấm để nghe".into()], &["Có thể bạn quan tâm".into()]);
        assert!(custom.is_widget("Bấm để nghe"));
        assert!(custom.is_end("Có thể bạn quan tâm"));
    }

    #[test]
    fn credits() {
        assert_eq!(
            trailing_credit("Toàn tỉnh còn 2.509 thôn. (TTXVN)"),
            Some((
                "Toàn tỉnh còn 2.509 thôn.".into(),
                Credit::Agency("TTXVN".into())
            ))
        );
        assert_eq!(
            trailing_credit(" (TTXVN)"),
            Some((String::new(), Credit::Agency("TTXVN".into())))
        );
        assert_eq!(
            trailing_credit("Theo TTXVN"),
            Some((String::new(), Credit::Agency("TTXVN".into())))
        );
        assert_eq!(
            trailing_credit("Hết giờ. (PV)"),
            Some(("Hết giờ.".into(), Credit::Staff))
        );
        assert_eq!(trailing_credit("Giá tăng 5% (so với năm ngoái)"), None);
        // "Nhóm PV": the newsroom's reporters, nobody to name, and the line goes.
        assert_eq!(
            trailing_credit("Nhóm PV"),
            Some((String::new(), Credit::Staff))
        );
        // "Theo dòng sự kiện:" ("follow the story:") labels a list: no source.
        assert_eq!(trailing_credit("Theo dòng sự kiện:"), None);
        assert_eq!(
            leading_credit("(ĐCSVN) - Sáng nay, hội nghị khai mạc."),
            Some(("Sáng nay, hội nghị khai mạc.".into(), Some("ĐCSVN".into())))
        );
        assert_eq!(
            leading_credit("Hà Nội (TTXVN) - Chiều 1/12, đoàn công tác..."),
            Some(("Chiều 1/12, đoàn công tác...".into(), Some("TTXVN".into())))
        );
        assert_eq!(
            leading_credit("TTO - Sáng 1-12, đoàn công tác..."),
            Some(("Sáng 1-12, đoàn công tác...".into(), None))
        );
        assert_eq!(
            leading_credit("(Dân trí) - Sáng 1/12, đoàn công tác..."),
            Some(("Sáng 1/12, đoàn công tác...".into(), None))
        );
        assert_eq!(leading_credit("Sáng 1/12 - đoàn công tác đến"), None);
        // A paper's own tag in brackets, with or without a dash after it, names no agency.
        assert_eq!(
            leading_credit("(TNO) TAND TP.Đà Nẵng ngày 19.12 xét xử sơ thẩm"),
            Some(("TAND TP.Đà Nẵng ngày 19.12 xét xử sơ thẩm".into(), None))
        );
        assert_eq!(
            leading_credit("(TBKTSG) - Tôi là “fan” của Thời báo Kinh tế Sài Gòn."),
            Some(("Tôi là “fan” của Thời báo Kinh tế Sài Gòn.".into(), None))
        );
        // Without a dash, an agency is one too; other words in brackets are the text's.
        assert_eq!(
            leading_credit("(TTXVN) Sáng nay, hội nghị khai mạc."),
            Some(("Sáng nay, hội nghị khai mạc.".into(), Some("TTXVN".into())))
        );
        for text in [
            "(Ảnh minh họa) Người dân xếp hàng chờ mua xăng.",
            "(Nguyễn Văn A) Người dân xếp hàng chờ mua xăng.",
            "(HCM) Người dân xếp hàng chờ mua xăng.",
        ] {
            assert_eq!(leading_credit(text), None, "{text}");
        }
        // A known agency stands bare; an unknown word in capitals there is where the story
        // was filed from, or its kicker, and stays in the text.
        assert_eq!(
            leading_credit("VOV.VN - Sáng 1/12, đoàn công tác..."),
            Some(("Sáng 1/12, đoàn công tác...".into(), Some("VOV".into())))
        );
        assert_eq!(
            leading_credit("AFP - Sáng 1/12, đoàn công tác..."),
            Some(("Sáng 1/12, đoàn công tác...".into(), Some("AFP".into())))
        );
        for dateline in [
            "CAIRO — Gunmen opened fire on visitors at the museum on Wednesday.",
            "WASHINGTON – The next presidential election is less than a year away.",
            "MIGRATION – Probleme zwischen Einheimischen und Flüchtlingen.",
        ] {
            assert_eq!(leading_credit(dateline), None, "{dateline}");
        }
        // In brackets, the same word is a credit: "AUSTIN (KXAN) —".
        assert_eq!(
            leading_credit("AUSTIN (KXAN) — Texas voters approved an amendment."),
            Some((
                "Texas voters approved an amendment.".into(),
                Some("KXAN".into())
            ))
        );
        // A site's address opening the text is the paper's own tag: no agency.
        assert_eq!(
            leading_credit("TRIBUNNEWS.COM - Berikut ini kunci jawaban soal."),
            Some(("Berikut ini kunci jawaban soal.".into(), None))
        );
        // A label in capitals alone on the last line is no signature.
        assert_eq!(trailing_credit("ANZEIGE"), None);
        assert_eq!(
            trailing_credit("PV/VOV"),
            Some((String::new(), Credit::Agency("VOV".into())))
        );
    }

    #[test]
    fn attributions_name_a_source_or_a_writer_never_both() {
        let agency = |s: &str| Some((String::new(), Credit::Agency(s.into())));
        assert_eq!(trailing_credit("(Theo AFP)"), agency("AFP"));
        assert_eq!(trailing_credit("Theo Reuters"), agency("Reuters"));
        assert_eq!(trailing_credit("Dân Trí"), agency("Dân Trí"));
        assert_eq!(trailing_credit("Theo VietNamNet"), agency("VietNamNet"));
        assert_eq!(
            trailing_credit("Theo Hồ Hương"),
            Some((String::new(), Credit::People(vec!["Hồ Hương".into()])))
        );
        assert_eq!(
            signature("Theo Sầm Hoa (Vietnamnet/Reuters)"),
            Some((vec!["Sầm Hoa".into()], "Vietnamnet/Reuters".into()))
        );
        assert_eq!(
            classify_credit("Công nghệ ChannelVN"),
            Some(Credit::Agency("Công nghệ ChannelVN".into()))
        );
        // A parenthesis of prose stays in the text.
        assert_eq!(
            trailing_credit("Giá tăng 5% (theo số liệu của Tổng cục)"),
            None
        );
        assert_eq!(
            byline_names("Theo Hồ Hương"),
            Some(vec!["Hồ Hương".to_string()])
        );
    }

    #[test]
    fn signatures_name_writers_and_agency() {
        let sig = signature;
        assert_eq!(
            sig("Hải Yến/VOV-Miền Trung"),
            Some((vec!["Hải Yến".into()], "VOV".into()))
        );
        assert_eq!(
            sig("Quang Minh/VOV.VN"),
            Some((vec!["Quang Minh".into()], "VOV".into()))
        );
        assert_eq!(sig("PV/VOV"), Some((vec![], "VOV".into())));
        assert_eq!(
            sig("Tin, ảnh: Văn Đức (TTXVN)"),
            Some((vec!["Văn Đức".into()], "TTXVN".into()))
        );
        assert_eq!(
            sig("Như Tâm (Theo Reuters)"),
            Some((vec!["Như Tâm".into()], "Reuters".into()))
        );
        // A sentence with a slash or brackets is not a signature.
        assert_eq!(sig("Giá tăng 5% (so với năm ngoái)"), None);
        assert_eq!(sig("Tỷ lệ 1/3 dân số (TTXVN)"), None);
    }
}
