//! Bylines: the words that open or label one ("By", "Von", "Tác giả:", "Written by"), and the
//! names it gives, told apart from dates, job titles, staff initials and words that are no
//! names.

use crate::boilerplate::{is_initials, STAFF};
use regex::Regex;
use std::sync::LazyLock;

/// Words that open a byline, in the languages of the sites read: "By Sofia Gonzalez",
/// "Von Anna Berg", "Tác giả: Minh Anh".
const BYLINE_OPENERS: &str =
    "written by|posted by|by|von|par|por|tác giả|(?:ein |blog ?)?(?:gast)?beitrag von|interview:";

/// Whether a line opens with a byline's word ("By …", "Von …", "Tác giả: …").
pub(crate) fn opens_byline(line: &str) -> bool {
    static OPENS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"(?i)^\s*(?:{BYLINE_OPENERS})\s*:?\s")).expect("static regex is valid")
    });
    OPENS.is_match(line)
}

/// Whether a line opens with a byline's word, or with a date and then one ("Mar 24, 2025 By
/// Amy Wilhelm", a line of metadata under the headline).
pub(crate) fn opens_byline_after_date(line: &str) -> bool {
    opens_byline(without_leading_date(line))
}

/// Whether a line says in so many words that it names the writer ("Written by John
/// Crenshaw", "Geschrieben von …"): unlike "By" or "Von", these words open no other kind of
/// line, so such a line is a byline wherever it stands.
pub(crate) fn says_written_by(line: &str) -> bool {
    static OPENS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:written by|geschrieben von|verfasst von|écrit par|escrito por|scritto da)\s*:?\s")
            .expect("static regex is valid")
    });
    OPENS.is_match(line)
}

/// Labels naming the writer, as a byline's label standing alone reads them.
const AUTHOR_LABELS: &str = "author|authors|autor|autorin";

/// Whether a line opens with an author label and a colon ("Author: Nirmita Panchal",
/// "Autorin: …"). Around the title that is the byline; inside the text it is as often a
/// reviewed book's author, so only the lines around the title are asked.
pub(crate) fn opens_with_author_label(line: &str) -> bool {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?i)^\s*(?:{AUTHOR_LABELS}|autoren|auteur|auteurs)\s*:\s"
        ))
        .expect("static regex is valid")
    });
    LABEL.is_match(line)
}

/// Whether a text is a byline's label standing alone ("Written by", "By:", "Autor"), the
/// names following in the next element.
pub(crate) fn is_byline_label(text: &str) -> bool {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?i)^\s*(?:{BYLINE_OPENERS}|{AUTHOR_LABELS}|(?:article|story|words|post) by|geschrieben von)\s*:?\s*$"
        ))
        .expect("static regex is valid")
    });
    LABEL.is_match(text)
}

/// A byline whose label and name the page sets in elements of their own, spaced by its style
/// alone (`<span>By</span><span>Daryl Austin</span>`), reads "ByDaryl Austin": the space put
/// back. Only a capital "By" before a capitalised word, which no English word opens with.
pub(crate) fn spaced_by_label(line: &str) -> std::borrow::Cow<'_, str> {
    static GLUED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\s*By)(\p{Lu}\p{Ll})").expect("static regex is valid"));
    GLUED.replace(line, "$1 $2")
}

/// A closing line that only names the writers, such as "Nguyễn Văn An - Minh Hà" or
/// "Bài và ảnh: Thu Hằng". Returns the names; staff initials and organisations are not names.
pub(crate) fn byline_names(line: &str) -> Option<Vec<String>> {
    static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:(?:(?:tin|bài|ảnh|video|clip)(?:\s*(?:và|,|\+)\s*(?:tin|bài|ảnh|video|clip))+|tin|video|clip|thực hiện|text|interview|redaktion)\s*:\s*|(?:bài|ảnh|tác giả|(?:ein\s+|blog\s*)?(?:gast)?beitrag von|written by|(?:text|words|story|article|post) by|posted by|submitted by|geschrieben von|verfasst von|veröffentlicht von|gespeichert von|eingestellt von|erstellt von|autorin|autoren|publié par|écrit par|publicado por|escrito por|by|von|par|por|autor|author|auteur|autore|nhóm phóng viên|phóng viên|pv|theo)\s*:?\s+)")
            .expect("static regex is valid")
    });
    static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\s*\((?:tổng hợp|lược dịch|theo [^)]*|ghi|thực hiện)\)\s*$")
            .expect("static regex is valid")
    });
    static SPLIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s+[-–—]\s+|\s*,\s*|\s+(?:và|and|und|et|y|e)\s+|\s*&\s*")
            .expect("static regex is valid")
    });
    // A byline with its date is still a short line; a paragraph is not read word by word.
    if line.len() > 200 {
        return None;
    }
    let line = without_trailing_date(without_leading_date(line.trim()));
    if line.is_empty() || line.chars().count() > 60 || line.ends_with(['.', '?', '!', ':', ';']) {
        return None;
    }
    let labelled = PREFIX.is_match(line);
    let line = PREFIX.replace(line, "");
    let line = SUFFIX.replace(&line, "");
    let line = without_job_in_brackets(&line);
    let line = name_case(line);
    // "By Dr. Ang Xiao and Jessica Pan | SandboxAQ": what follows a bar is the writers'
    // house. Only after a byline's label: a line with none may be a contact's ("Karen
    // Ehrhardt-Dreier | Springer Nature | Communications" under "Kontakt").
    let line = if labelled {
        line.split(" | ").next().unwrap_or_default()
    } else {
        &line
    };
    let mut names = Vec::new();
    // Each part with the separator before it: a comma sets off what describes the writer,
    // "and" or "&" joins another name.
    let mut after_comma = false;
    let mut from = 0;
    let separators = SPLIT.find_iter(line).map(|m| (m.start(), m.end()));
    for (end, next) in separators.chain(std::iter::once((line.len(), line.len()))) {
        let raw = line[from..end].trim();
        let comma_before = after_comma;
        after_comma = line[end..next].trim() == ",";
        from = next;
        let part = without_job_title(raw);
        if part.is_empty() {
            continue;
        }
        // "Alex Durán, AMP Project Marketing, Google": a job after the first name, with its
        // house before it, is the writer's, not another name.
        let described = !names.is_empty() && comma_before && part.len() < raw.len();
        if described || !looks_like_name(part) {
            match names.is_empty() {
                // "Jane Doe, PhD and John Roe, MPH": a name's letters, and more names after.
                false if is_credential(part) => continue,
                // "By Heather Leah, WRAL multiplatform producer", "by Amalia Helen, Nature
                // Tech Collective": after a byline's label, a name and a comma, what is no
                // name is the writer's job or house, and ends the byline. In a line with no
                // label ("Sprüth Magers, Cindy Sherman, consulted …", a footnote) the words
                // may be anyone's, and the line is no byline.
                false if described || labelled && comma_before => break,
                _ => return None,
            }
        }
        names.push(part.to_string());
    }
    (!names.is_empty()).then_some(names)
}

/// A byline without the job set after it in brackets: "Lance Ryan (Content Manager)" ->
/// "Lance Ryan". Other brackets ("(TTXVN)", "(Theo AFP)") are credits, and stay.
fn without_job_in_brackets(line: &str) -> &str {
    match line
        .trim_end()
        .strip_suffix(')')
        .and_then(|l| l.rsplit_once('('))
    {
        Some((name, job)) if is_job_title(job) => name.trim_end(),
        _ => line,
    }
}

/// Letters printed after a name for a degree or a profession's title ("PhD", "MD", "MPH",
/// "Ph.D.", "CFP®"): one short word with two capitals or more.
fn is_credential(part: &str) -> bool {
    /// The longest credential, in letters.
    const MAX_LETTERS: usize = 6;
    let letters = part.chars().filter(|c| c.is_alphabetic()).count();
    !part.contains(char::is_whitespace)
        && (2..=MAX_LETTERS).contains(&letters)
        && part.chars().filter(|c| c.is_uppercase()).count() >= 2
        && part
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '®'))
        // "NEWS.am": a site's address.
        && part
            .rsplit_once('.')
            .is_none_or(|(_, tail)| tail.chars().filter(|c| c.is_lowercase()).count() < 2)
}

/// A byline without the date that opens it: "Posted on September 21, 2020 by Adi Tzlil" ->
/// "by Adi Tzlil". A line with no such head is returned whole.
fn without_leading_date(line: &str) -> &str {
    static BY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"(?i)\b(?:{BYLINE_OPENERS})\s")).expect("static regex is valid")
    });
    BY.find_iter(line)
        .find(|by| by.start() > 0 && crate::dates::opens_with_date(&line[..by.start()]))
        .map_or(line, |by| &line[by.start()..])
}

/// A byline without the date or time that follows it: "Von R. R. am 12.05.2014" ->
/// "Von R. R.", "par Didier Roy, 21 juin 2018" -> "par Didier Roy", "Tomas Spahn Fr, 13. März
/// 2020" -> "Tomas Spahn", "Posted by Konstantin @ 12:00 am" -> "Posted by Konstantin". A
/// line with no such tail is returned whole.
fn without_trailing_date(line: &str) -> &str {
    static BREAK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s*[,|·•@–-]\s*|\s+").expect("static regex is valid"));
    static TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\d{1,2}[:.]\d{2}\s*(?:am|pm|uhr|h)?$").expect("static regex is valid")
    });
    BREAK
        .find_iter(line)
        .filter(|at| at.start() > 0)
        .find(|at| {
            let rest = &line[at.end()..];
            TIME.is_match(rest.trim()) || crate::dates::opens_with_date(rest)
        })
        .map_or(line, |at| line[..at.start()].trim_end())
}

/// Names written in capitals ("NGỌC AN", as some sites print bylines) in title case.
pub(crate) fn name_case(s: &str) -> String {
    let letters = s.chars().filter(|c| c.is_alphabetic());
    if letters.clone().count() < 4 || !letters.clone().all(char::is_uppercase) {
        return s.to_string();
    }
    s.split(' ')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// Words that never belong to a person's name but do turn up in author slots: interface
/// labels ("Sign In", "You Might Also Like") and collective credits ("Our Editors").
const NOT_NAME_WORDS: &[&str] = &[
    "sign",
    "in",
    "also",
    "like",
    "might",
    "you",
    "related",
    "resources",
    "editor",
    "editors",
    "editorial",
    "team",
    "staff",
    "contributor",
    "contributors",
    "admin",
    "unknown",
    "undefined",
    "null",
    "webmaster",
    "autoren",
    "our",
    "more",
    "read",
    "share",
    "follow",
    "subscribe",
    "login",
    "log",
    "posts",
    "view",
    "profile",
    "guest",
    "community",
    "newsroom",
    "desk",
    "author",
    "authors",
    "comments",
    "reply",
    "menu",
    "bio",
    "full",
    "ban",
    "biên",
    "tập",
    "tòa",
    "soạn",
    "phóng",
    "viên",
    "nhóm",
    // Organisations: publishers, newsrooms, companies.
    "magazin",
    "magazine",
    "redaktion",
    "verlag",
    "gmbh",
    "inc",
    "ltd",
    "llc",
    "media",
    "news",
    "online",
    "zeitung",
    "presse",
    "press",
    "publishing",
    "group",
    "gruppe",
    "company",
    "collective",
    "foundation",
    "institute",
    "corporation",
    "network",
    "publisher",
    "verein",
    "verband",
    "bundesverband",
    "stiftung",
    "association",
    "ministerium",
    "bundesministerium",
    "ministry",
    "department",
    "departement",
    "fraktion",
    "bundestagsfraktion",
    "redacción",
    "redaccion",
    "redazione",
    "rédaction",
    "ag",
    "feuerwehr",
    "abteilung",
    "diakonie",
    "caritas",
    "kreuz",
    "gemeinde",
    // Labels: anonymous posters, software defaults, boxes of other articles.
    "anonymous",
    "anonym",
    "anónimo",
    "anonimo",
    "user",
    "ähnliche",
    "thema",
    "themen",
    "veja",
    "também",
    "written",
    "later",
    // Photo credits ("Fotos Essen-Westviertel"), a word joining names left at the start
    // ("Und Grundschritt"), a box of recipes ("Try These Next").
    "fotos",
    "foto",
    "photos",
    "und",
    "try",
    "next",
    // Links to lists of posts ("Alle Beiträge"), sponsored boxes ("Gesponserte Inhalte"),
    // a theme's credit ("designed by", "powered by").
    "beiträge",
    "artikel",
    "inhalte",
    "gesponserte",
    "designed",
    "powered",
];

/// Words of the job titles printed beside a name ("Sean Peek, Senior Analyst", "Christoph
/// Hein Chefredakteur"): where one begins, the name has ended.
const JOB_TITLE_WORDS: &[&str] = &[
    "analyst",
    "director",
    "manager",
    "senior",
    "sr",
    "marketing",
    "officer",
    "founder",
    "co",
    "ceo",
    "coordinator",
    "reporter",
    "correspondent",
    "journalist",
    "journalistin",
    "reviewer",
    "chefredakteur",
    "chefredakteurin",
    "redakteur",
    "redakteurin",
    // Words that open a job title before its head word ("Content Marketing Coordinator",
    // "Managing Editor", "Contributing Writer").
    "content",
    "digital",
    "communications",
    "executive",
    "chief",
    "assistant",
    "associate",
    "deputy",
    "managing",
    "contributing",
    "writer",
    "editor",
];

/// A name without the job title printed after it: "Keith Barry Senior Autos Reporter" ->
/// "Keith Barry"; a title alone ("Senior Analyst") leaves nothing.
fn without_job_title(name: &str) -> &str {
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\p{L}+").expect("static regex is valid"));
    let title_at = WORD
        .find_iter(name)
        .find(|w| JOB_TITLE_WORDS.contains(&w.as_str().to_lowercase().as_str()))
        .map(|w| w.start());
    match title_at {
        Some(at) => name[..at]
            .trim_end_matches([' ', ',', '-', '–', '|'])
            .trim(),
        None => name,
    }
}

/// Whether a credit is a job title and nothing more ("Senior Analyst", "Marketing and
/// Event Coordinator").
pub(crate) fn is_job_title(credit: &str) -> bool {
    without_job_title(credit.trim()).is_empty()
}

/// Whether a credit names people rather than an interface label or a collective.
pub(crate) fn is_not_a_name(s: &str) -> bool {
    s.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .any(|w| NOT_NAME_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Two to five words, each starting with a capital letter, no digits: a personal name.
pub(crate) fn looks_like_name(s: &str) -> bool {
    if is_not_a_name(s) {
        return false;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if !(2..=5).contains(&words.len()) {
        return false;
    }
    if is_initials(s) || STAFF.contains(&s.to_lowercase().as_str()) {
        return false;
    }
    words.iter().all(|w| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && chars.all(|c| c.is_alphabetic() || c == '.' || c == '\'' || c == '-')
            // An all-capitals word longer than a syllable is an acronym, not a name.
            && !(w.chars().count() > 3 && w.chars().all(char::is_uppercase))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byline_ends_where_its_date_or_the_writer_s_job_begins() {
        let one = |name: &str| Some(vec![name.to_string()]);
        assert_eq!(
            byline_names("par Didier Roy, 21 juin 2018"),
            one("Didier Roy")
        );
        assert_eq!(
            byline_names("By Giovanni Gaggero | 12/10/2020"),
            one("Giovanni Gaggero")
        );
        assert_eq!(
            byline_names("Tomas Spahn Fr, 13. März 2020"),
            one("Tomas Spahn")
        );
        assert_eq!(
            byline_names("Gespeichert von Anna Berg am 24. Juli 2017 - 18:55"),
            one("Anna Berg")
        );
        assert_eq!(
            byline_names("Reyan Perumal Published Jan 5, 2025"),
            one("Reyan Perumal")
        );
        assert_eq!(
            byline_names("Posted by Anna Berg @ 12:00 am"),
            one("Anna Berg")
        );
        // A date may open the line too, and German labels name the writer.
        assert_eq!(
            byline_names("Posted on September 21, 2020 by Adi Tzlil"),
            one("Adi Tzlil")
        );
        assert_eq!(
            byline_names("Erstellt von Andri Bryner"),
            one("Andri Bryner")
        );
        assert_eq!(
            byline_names("Autorin: Uta Staschewski"),
            one("Uta Staschewski")
        );
        assert_eq!(
            byline_names("Text: Klausmartin Friedrich"),
            one("Klausmartin Friedrich")
        );
        // A post's or an interview's writer.
        assert_eq!(
            byline_names("Blog Beitrag von Margarita Koreneva"),
            one("Margarita Koreneva")
        );
        assert_eq!(
            byline_names("Ein Gastbeitrag von Anna Berg"),
            one("Anna Berg")
        );
        assert!(opens_byline("Ein Beitrag von Anna Berg"));
        assert_eq!(byline_names("Interview: Julia Lauter"), one("Julia Lauter"));
        assert_eq!(
            byline_names("Redaktion: Eberhard Fuhr"),
            one("Eberhard Fuhr")
        );
        // Whom an interview is with is not its writer.
        assert_eq!(byline_names("Interview mit Felix Stalder"), None);
        // A date inside the line ends nothing: what follows it is not a date line.
        assert_eq!(byline_names("Anna Berg, 12. März Kommentare"), None);
        // The job printed after the name.
        assert_eq!(byline_names("Sean Peek, Senior Analyst"), one("Sean Peek"));
        assert_eq!(
            byline_names("Keith Barry Senior Autos Reporter"),
            one("Keith Barry")
        );
        assert_eq!(
            byline_names("Christoph Hein Chefredakteur"),
            one("Christoph Hein")
        );
        // A title that opens with its modifier ends the name there, not at its head word.
        assert_eq!(
            byline_names("Meghan Neville Content Marketing Coordinator"),
            one("Meghan Neville")
        );
        assert_eq!(
            byline_names("Linda Rosencrance Contributing Writer"),
            one("Linda Rosencrance")
        );
        // "Text by", as a magazine credits its writer.
        assert_eq!(byline_names("Text by Hunter Dukes"), one("Hunter Dukes"));
        assert_eq!(byline_names("Words by Anna Berg"), one("Anna Berg"));
        assert!(opens_byline_after_date("Mar 24, 2025 By Amy Wilhelm"));
        assert!(!opens_byline_after_date("Mar 24, 2025 Amy Wilhelm"));
        // A job in the station's words, after a comma; degrees after each name.
        assert_eq!(
            byline_names("By Heather Leah , WRAL multiplatform producer"),
            one("Heather Leah")
        );
        assert_eq!(
            byline_names("by Dr. Ang Xiao, PhD and Jessica Pan, MPH | SandboxAQ"),
            Some(vec!["Dr. Ang Xiao".into(), "Jessica Pan".into()])
        );
        assert_eq!(byline_names("Paul Deer, CFP®"), one("Paul Deer"));
        assert_eq!(
            byline_names("Lance Ryan (Content Manager)"),
            one("Lance Ryan")
        );
        assert!(is_job_title("Marketing and Event Coordinator"));
        assert!(!is_job_title("Katy McInnes"));
        assert_eq!(byline_names("Elle Penner, M.P.H., R.D"), one("Elle Penner"));
        assert_eq!(
            byline_names("Karen Ehrhardt-Dreier | Springer Nature | Communications"),
            None
        );
        // A site's address is no degree.
        assert_eq!(byline_names("Lurer Hayastanits - NEWS.am"), None);
        // Before any name, neither is a byline.
        assert_eq!(byline_names("PhD, Jane Doe"), None);
        assert_eq!(byline_names("by the way, Jane Doe"), None);
        // A capitalised place after the name is no job: the line is not read.
        assert_eq!(byline_names("Anna Berg, Paris"), None);
        // After a label and a name, the writer's house ends the byline.
        assert_eq!(
            byline_names("by Amalia Helen, Nature Tech Collective"),
            one("Amalia Helen")
        );
        assert_eq!(
            byline_names("Posted by Alex Durán, AMP Project Marketing, Google"),
            one("Alex Durán")
        );
        // "&" joins names: what it joins to a name is read as one.
        assert_eq!(
            byline_names("Written By: Celeste Longacre Gardener & Astrologer"),
            None
        );
        // Without a byline's label, words in small letters end nothing.
        assert_eq!(
            byline_names("Sprüth Magers, Cindy Sherman, consulted"),
            None
        );
    }

    #[test]
    fn bylines() {
        assert_eq!(
            byline_names("Nguyễn Văn An - Minh Hà"),
            Some(vec!["Nguyễn Văn An".into(), "Minh Hà".into()])
        );
        assert_eq!(
            byline_names("Bài và ảnh: Thu Hằng"),
            Some(vec!["Thu Hằng".into()])
        );
        assert_eq!(byline_names("PV"), None);
        // "By" in German, French and Spanish.
        assert_eq!(
            byline_names("Von Andreas Hoffmann"),
            Some(vec!["Andreas Hoffmann".into()])
        );
        assert_eq!(
            byline_names("Par Stefan Häne, Sylvain Besson"),
            Some(vec!["Stefan Häne".into(), "Sylvain Besson".into()])
        );
        assert_eq!(
            byline_names("Por Ana García"),
            Some(vec!["Ana García".into()])
        );
        // Labels of the author's line.
        for line in [
            "Autor: Jens Berger",
            "Written by Jens Berger",
            "Geschrieben von Jens Berger",
        ] {
            assert_eq!(
                byline_names(line),
                Some(vec!["Jens Berger".into()]),
                "{line}"
            );
        }
        assert_eq!(byline_names("NGỌC AN"), Some(vec!["Ngọc An".into()]));
        assert_eq!(byline_names("Toàn tỉnh hiện còn 2.509 thôn."), None);
        assert_eq!(byline_names("Bộ Ngoại giao"), None);
        assert_eq!(byline_names("You Might Also Like"), None);
        assert_eq!(byline_names("Sign In"), None);
        assert_eq!(
            byline_names("Tin, ảnh: Văn Đức"),
            Some(vec!["Văn Đức".into()])
        );
        assert_eq!(
            byline_names("Tin và ảnh: Thu Hằng - Minh Hà"),
            Some(vec!["Thu Hằng".into(), "Minh Hà".into()])
        );
        assert_eq!(byline_names("Tin tức"), None);
    }
}
