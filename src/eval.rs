//! `tinstream eval DATASET`: scores the parser against an extraction dataset with ground truth
//! (the layout of `shared/datasets`: `truth.jsonl` plus `html/<id>.html.gz`), the way the
//! datasets' README says to score.
//!
//! - Body: token-level precision, recall and F1 (NFKC, lower case, `\w+` tokens, one token per
//!   character for scripts written without spaces), bag of words, macro-averaged over pages;
//!   pages that fail count as 0.
//! - `with` / `without` snippets (trafilatura-eval): case-sensitive substring hits, summed.
//! - Publication date: exact calendar day as the page states it; accuracy over pages with a
//!   date, coverage and precision.
//! - Title: exact match after normalisation. Authors: token F1 over pages with a non-empty
//!   list; pages annotated with no author give a false-positive rate.
//!
//! The text scored is the lead followed by the body, since the datasets' main text includes
//! the standfirst.

use anyhow::{bail, Context};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use tinstream_parser::{Expect, Hints, Page, Parser};
use unicode_normalization::UnicodeNormalization;
use url::Url;

/// What one page scored.
#[derive(Default, Clone)]
struct PageScore {
    id: String,
    group: String,
    failed: bool,
    not_article: bool,
    body: Option<(f64, f64, f64)>,
    snippets: Option<[u32; 4]>, // tp, fn, fp, tn
    date: Option<DateOutcome>,
    title_exact: Option<bool>,
    title_exact_quotes_folded: Option<bool>,
    title_f1: Option<f64>,
    authors_f1: Option<f64>,
    authors_false_positive: Option<bool>,
    /// The page's record as a JSON line, with its `id` and `is_article`: only for `--records`.
    record: Option<String>,
}

#[derive(Clone)]
struct DateOutcome {
    truth_known: bool,
    returned: bool,
    correct: bool,
    /// The predicted and true days, for the list of misses.
    predicted: Option<String>,
    truth: Option<String>,
}

/// What `eval` was asked for.
pub struct Request<'a> {
    /// The dataset's folder.
    pub dataset: &'a Path,
    /// `--split`: only this split or subset.
    pub split: Option<&'a str>,
    /// `-j`: parsing threads.
    pub jobs: Option<usize>,
    /// `--worst`: how many of the lowest pages to list.
    pub worst: usize,
    /// `--records`: where to write each page's record.
    pub records: Option<&'a Path>,
    /// `--listed-as`: what every page's source is taken to expect.
    pub expect: Expect,
}

pub fn main(request: Request<'_>) -> anyhow::Result<ExitCode> {
    let Request {
        dataset,
        split,
        jobs,
        worst,
        records,
        expect,
    } = request;
    let truth_path = dataset.join("truth.jsonl");
    let file = std::fs::File::open(&truth_path)
        .with_context(|| format!("{}: cannot open", truth_path.display()))?;
    let mut truths = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}: cannot read", truth_path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line)
            .with_context(|| format!("{}: line {}: not JSON", truth_path.display(), n + 1))?;
        let group = value["split"]
            .as_str()
            .or_else(|| value["subset"].as_str())
            .unwrap_or("all")
            .to_string();
        if split.is_some_and(|s| s != group) {
            continue;
        }
        truths.push((group, value));
    }
    if truths.is_empty() {
        bail!("{}: no pages to score", truth_path.display());
    }
    let parser = Parser::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .context("cannot start the threads")?;
    let started = std::time::Instant::now();
    let scores: Vec<PageScore> = pool.install(|| {
        truths
            .par_iter()
            .map(|(group, truth)| {
                score_page(&parser, dataset, group, truth, records.is_some(), expect)
            })
            .collect()
    });
    let elapsed = started.elapsed();
    if let Some(path) = records {
        let mut lines = String::new();
        for record in scores.iter().filter_map(|s| s.record.as_deref()) {
            lines.push_str(record);
            lines.push('\n');
        }
        std::fs::write(path, lines).with_context(|| format!("{}: cannot write", path.display()))?;
    }

    let name = dataset
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut groups: Vec<String> = scores.iter().map(|s| s.group.clone()).collect();
    groups.sort();
    groups.dedup();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {name}: {} pages in {:.1} s",
        scores.len(),
        elapsed.as_secs_f64()
    );
    if expect != Expect::Unknown {
        // Not the parser's own figures: say so where they are read.
        let _ = writeln!(
            out,
            "\nEvery page judged as its source would list it: {expect:?} expected."
        );
    }
    for group in &groups {
        let of_group: Vec<&PageScore> = scores.iter().filter(|s| &s.group == group).collect();
        report(&mut out, &format!("{name} / {group}"), &of_group);
    }
    if groups.len() > 1 {
        let all: Vec<&PageScore> = scores.iter().collect();
        report(&mut out, &format!("{name} / all"), &all);
    }
    if worst > 0 {
        let mut ranked: Vec<&PageScore> = scores.iter().filter(|s| s.body.is_some()).collect();
        ranked.sort_by(|a, b| {
            let f = |s: &PageScore| s.body.map_or(0.0, |b| b.2);
            f(a).total_cmp(&f(b))
        });
        let _ = writeln!(
            out,
            "\n## {worst} lowest body F1\n| id | P | R | F1 |\n|---|---|---|---|"
        );
        for s in ranked.into_iter().take(worst) {
            if let Some((p, r, f)) = s.body {
                let _ = writeln!(out, "| {} | {p:.2} | {r:.2} | {f:.2} |", s.id);
            }
        }
    }
    if worst > 0 {
        let _ = writeln!(
            out,
            "\n## wrong or missing dates (first {worst})\n| id | truth | got |\n|---|---|---|"
        );
        let misses = scores.iter().filter_map(|s| {
            let d = s.date.as_ref()?;
            (d.truth_known && !d.correct).then_some((s, d))
        });
        for (s, d) in misses.take(worst) {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                s.id,
                d.truth.as_deref().unwrap_or("-"),
                d.predicted.as_deref().unwrap_or("-")
            );
        }
    }
    if worst > 0 {
        // Every page of these datasets is an article: each one refused is a lost article.
        let _ = writeln!(
            out,
            "\n## pages judged not an article (first {worst})\n| id | body F1 |\n|---|---|"
        );
        for s in scores.iter().filter(|s| s.not_article).take(worst) {
            let f1 = s.body.map_or("-".to_string(), |b| format!("{:.2}", b.2));
            let _ = writeln!(out, "| {} | {f1} |", s.id);
        }
    }
    match std::io::stdout().write_all(out.as_bytes()) {
        // A reader that stopped early (`| head`) is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn score_page(
    parser: &Parser,
    dataset: &Path,
    group: &str,
    truth: &Value,
    keep_record: bool,
    expect: Expect,
) -> PageScore {
    let mut score = PageScore {
        id: truth["id"].as_str().unwrap_or("").to_string(),
        group: group.to_string(),
        ..PageScore::default()
    };
    let id = truth["id"].as_str().unwrap_or("");
    let analysis = load(dataset, id).ok().and_then(|bytes| {
        let url = truth["url"]
            .as_str()
            .and_then(|u| Url::parse(u).ok())
            // No URL recorded: a neutral page address, so that the verdict is the content's
            // (a bare "/" would read as a home page).
            .unwrap_or_else(|| {
                Url::parse("http://unknown.invalid/page").expect("static URL is valid")
            });
        let page = Page {
            bytes: &bytes,
            url: &url,
            http_charset: None,
            fetched_at: chrono::Utc::now(),
        };
        let hints = Hints {
            expect,
            ..Hints::default()
        };
        parser.analyze_listed(page, hints).ok()
    });
    score.failed = analysis.is_none();
    score.not_article = analysis.as_ref().is_some_and(|a| !a.is_article);
    if keep_record {
        let record = analysis
            .as_ref()
            .and_then(|a| match serde_json::to_value(&a.record) {
                Ok(Value::Object(mut fields)) => {
                    fields.insert("id".into(), Value::from(id));
                    fields.insert("is_article".into(), Value::from(a.is_article));
                    Some(Value::Object(fields))
                }
                _ => None,
            })
            .unwrap_or_else(|| serde_json::json!({ "id": id, "failed": true }));
        score.record = Some(record.to_string());
    }
    let record = analysis.map(|a| a.record);
    let text = record
        .as_ref()
        .map(|r| match &r.lead {
            Some(lead) => format!("{lead}\n\n{}", r.body),
            None => r.body.clone(),
        })
        .unwrap_or_default();

    if let Some(body) = truth["body"].as_str() {
        score.body = Some(token_prf(&text, body));
    }
    let with = strings(&truth["with"]);
    let without = strings(&truth["without"]);
    if !with.is_empty() || !without.is_empty() {
        let folded = fold_space(&text);
        let mut counts = [0u32; 4];
        for s in &with {
            if folded.contains(&fold_space(s)) {
                counts[0] += 1;
            } else {
                counts[1] += 1;
            }
        }
        for s in &without {
            if folded.contains(&fold_space(s)) {
                counts[2] += 1;
            } else {
                counts[3] += 1;
            }
        }
        score.snippets = Some(counts);
    }
    let predicted_day = record
        .as_ref()
        .and_then(|r| r.published_at)
        .map(|t| t.date().format("%Y-%m-%d").to_string());
    let truth_day = truth["published"].as_str();
    score.date = Some(DateOutcome {
        truth_known: truth_day.is_some(),
        returned: predicted_day.is_some(),
        correct: truth_day.is_some() && predicted_day.as_deref() == truth_day,
        predicted: predicted_day,
        truth: truth_day.map(str::to_string),
    });
    if let Some(title) = truth["title"].as_str() {
        let got = record.as_ref().map(|r| r.title.as_str()).unwrap_or("");
        score.title_exact = Some(normalize_title(got) == normalize_title(title));
        score.title_exact_quotes_folded =
            Some(fold_quotes(&normalize_title(got)) == fold_quotes(&normalize_title(title)));
        score.title_f1 = Some(token_prf(got, title).2);
    }
    if let Some(authors) = truth["authors"].as_array() {
        let predicted = record
            .as_ref()
            .map(|r| r.authors.join(" "))
            .unwrap_or_default();
        if authors.is_empty() {
            score.authors_false_positive = Some(!predicted.trim().is_empty());
        } else {
            let truth_names = strings(&truth["authors"]).join(" ");
            let (_, _, f1) = bag_prf(&author_tokens(&predicted), &author_tokens(&truth_names));
            score.authors_f1 = Some(f1);
        }
    }
    score
}

fn load(dataset: &Path, id: &str) -> std::io::Result<Vec<u8>> {
    let path = dataset.join("html").join(format!("{id}.html.gz"));
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn fold_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Scripts written without spaces: each character is a token.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0x0E00..=0x0E7F // Thai
        | 0x0E80..=0x0EFF // Lao
        | 0x1780..=0x17FF // Khmer
        | 0x1000..=0x109F // Myanmar
    )
}

/// NFKC, lower case, `\w+` runs (letters, digits, marks, underscore) as tokens.
fn tokens(s: &str) -> Vec<String> {
    let normalized: String = s.nfkc().collect::<String>().to_lowercase();
    let mut out = Vec::new();
    let mut current = String::new();
    for c in normalized.chars() {
        if is_unspaced_script(c) {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(c.to_string());
        } else if c.is_alphanumeric() || c == '_' || is_mark(c) {
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Combining marks, which `\w` includes (they stay separate after NFKC in some scripts).
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

fn token_prf(predicted: &str, truth: &str) -> (f64, f64, f64) {
    bag_prf(&tokens(predicted), &tokens(truth))
}

fn bag_prf(predicted: &[String], truth: &[String]) -> (f64, f64, f64) {
    if predicted.is_empty() || truth.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut counts: HashMap<&str, (u32, u32)> = HashMap::new();
    for t in predicted {
        counts.entry(t).or_default().0 += 1;
    }
    for t in truth {
        counts.entry(t).or_default().1 += 1;
    }
    let overlap: u32 = counts.values().map(|(p, t)| (*p).min(*t)).sum();
    let p = f64::from(overlap) / predicted.len() as f64;
    let r = f64::from(overlap) / truth.len() as f64;
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

fn author_tokens(s: &str) -> Vec<String> {
    const CONNECTORS: &[&str] = &["by", "von", "par", "and", "und", "et", "y"];
    tokens(s)
        .into_iter()
        .filter(|t| !CONNECTORS.contains(&t.as_str()))
        .collect()
}

fn normalize_title(s: &str) -> String {
    let s: String = s.nfkc().collect::<String>().to_lowercase();
    let s = fold_space(&s);
    s.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

/// Typographic quotes as typed ones ("America’s" as "America's"): the datasets' annotators
/// typed titles, pages set them. Reported beside the exact figure, never instead of it.
fn fold_quotes(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => '"',
            other => other,
        })
        .collect()
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

fn report(out: &mut String, label: &str, scores: &[&PageScore]) {
    let _ = writeln!(out, "\n## {label} ({} pages)", scores.len());
    let failed = scores.iter().filter(|s| s.failed).count();
    let not_article = scores.iter().filter(|s| s.not_article).count();
    let _ = writeln!(out, "| metric | value |\n|---|---|");
    let _ = writeln!(out, "| pages that failed to parse | {failed} |");
    let _ = writeln!(out, "| pages judged not an article | {not_article} |");

    let bodies: Vec<(f64, f64, f64)> = scores.iter().filter_map(|s| s.body).collect();
    if !bodies.is_empty() {
        let p: Vec<f64> = bodies.iter().map(|b| b.0).collect();
        let r: Vec<f64> = bodies.iter().map(|b| b.1).collect();
        let mut f: Vec<f64> = bodies.iter().map(|b| b.2).collect();
        let zero = f.iter().filter(|v| **v == 0.0).count();
        let high = f.iter().filter(|v| **v >= 0.9).count();
        f.sort_by(f64::total_cmp);
        let median = f[f.len() / 2];
        let _ = writeln!(out, "| body pages scored | {} |", bodies.len());
        let _ = writeln!(out, "| body precision (macro) | {:.3} |", mean(&p));
        let _ = writeln!(out, "| body recall (macro) | {:.3} |", mean(&r));
        let _ = writeln!(out, "| body F1 (macro) | {:.3} |", mean(&f));
        let _ = writeln!(out, "| body F1 median | {median:.3} |");
        let _ = writeln!(
            out,
            "| body F1 ≥ 0.9 | {:.1} % |",
            100.0 * high as f64 / f.len() as f64
        );
        let _ = writeln!(out, "| body F1 = 0 (nothing right) | {zero} |");
    }
    let snippet_pages: Vec<[u32; 4]> = scores.iter().filter_map(|s| s.snippets).collect();
    if !snippet_pages.is_empty() {
        let sum = snippet_pages.iter().fold([0u32; 4], |mut acc, c| {
            for i in 0..4 {
                acc[i] += c[i];
            }
            acc
        });
        let [tp, fnn, fp, tn] = sum.map(f64::from);
        let p = tp / (tp + fp).max(1.0);
        let r = tp / (tp + fnn).max(1.0);
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        let _ = writeln!(out, "| snippets precision | {p:.3} |");
        let _ = writeln!(out, "| snippets recall | {r:.3} |");
        let _ = writeln!(out, "| snippets F1 | {f:.3} |");
        let _ = writeln!(
            out,
            "| snippets accuracy | {:.3} |",
            (tp + tn) / (tp + tn + fp + fnn).max(1.0)
        );
    }
    let dates: Vec<DateOutcome> = scores.iter().filter_map(|s| s.date.clone()).collect();
    let known: Vec<&DateOutcome> = dates.iter().filter(|d| d.truth_known).collect();
    if !known.is_empty() {
        let correct = known.iter().filter(|d| d.correct).count();
        let returned = known.iter().filter(|d| d.returned).count();
        let _ = writeln!(
            out,
            "| date accuracy | {:.3} ({correct}/{}) |",
            correct as f64 / known.len() as f64,
            known.len()
        );
        let _ = writeln!(
            out,
            "| date coverage | {:.3} |",
            returned as f64 / known.len() as f64
        );
        let _ = writeln!(
            out,
            "| date precision | {:.3} |",
            correct as f64 / returned.max(1) as f64
        );
        let unknown_returned = dates
            .iter()
            .filter(|d| !d.truth_known && d.returned)
            .count();
        let unknown = dates.iter().filter(|d| !d.truth_known).count();
        if unknown > 0 {
            let _ = writeln!(
                out,
                "| dates returned where none is annotated | {unknown_returned}/{unknown} |"
            );
        }
    }
    share_row(out, "title exact match", scores, |s| s.title_exact);
    share_row(
        out,
        "title exact match, typographic quotes folded",
        scores,
        |s| s.title_exact_quotes_folded,
    );
    let title_f1: Vec<f64> = scores.iter().filter_map(|s| s.title_f1).collect();
    if !title_f1.is_empty() {
        let _ = writeln!(out, "| title token F1 | {:.3} |", mean(&title_f1));
    }
    let authors: Vec<f64> = scores.iter().filter_map(|s| s.authors_f1).collect();
    if !authors.is_empty() {
        let _ = writeln!(
            out,
            "| author token F1 | {:.3} ({} pages) |",
            mean(&authors),
            authors.len()
        );
    }
    share_row(out, "authors given where none exist", scores, |s| {
        s.authors_false_positive
    });
}

/// A row giving the share of the scored pages for which `outcome` is true, with the counts;
/// none when no page is scored on it.
fn share_row(
    out: &mut String,
    label: &str,
    scores: &[&PageScore],
    outcome: impl Fn(&PageScore) -> Option<bool>,
) {
    let outcomes: Vec<bool> = scores.iter().filter_map(|s| outcome(s)).collect();
    if outcomes.is_empty() {
        return;
    }
    let yes = outcomes.iter().filter(|o| **o).count();
    let _ = writeln!(
        out,
        "| {label} | {:.3} ({yes}/{}) |",
        yes as f64 / outcomes.len() as f64,
        outcomes.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_follow_the_dataset_rules() {
        assert_eq!(tokens("Ｈello, WORLD_2!"), ["hello", "world_2"]);
        assert_eq!(tokens("Hà Nội"), ["hà", "nội"]);
        assert_eq!(tokens("東京abc"), ["東", "京", "abc"]);
    }

    #[test]
    fn bag_of_words_scores() {
        // predicted: a a b (3), truth: a b c d (4); overlap = min(2,1) + 1 = 2.
        let (p, r, f) = token_prf("a a b", "a b c d");
        assert!((p - 2.0 / 3.0).abs() < 1e-9);
        assert!((r - 0.5).abs() < 1e-9);
        assert!((f - 2.0 * (2.0 / 3.0) * 0.5 / (2.0 / 3.0 + 0.5)).abs() < 1e-9);
        assert_eq!(token_prf("", "a"), (0.0, 0.0, 0.0));
    }

    #[test]
    fn titles_compare_loosely() {
        assert_eq!(
            normalize_title("  “Hello  World!” "),
            normalize_title("hello world")
        );
        // Inner typographic quotes differ from typed ones, except in the folded figure.
        let (page, typed) = ("America’s Best “Food” City", "America's Best \"Food\" City");
        assert_ne!(normalize_title(page), normalize_title(typed));
        assert_eq!(
            fold_quotes(&normalize_title(page)),
            fold_quotes(&normalize_title(typed))
        );
    }
}
