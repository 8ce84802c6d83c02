//! Which partition of the crawl a page belongs to.
//!
//! Work is split by registrable domain (`vnexpress.net` for `e.vnexpress.net`, `gov.vn`'s
//! `chinhphu.gov.vn` for `baochinhphu.chinhphu.gov.vn`...): every host of one site lands on one
//! partition, so one worker holds the site's robots.txt, pacing and back-off. The partition is
//! Kafka's own choice for that key — murmur2 of the key's bytes with Kafka's seed, made
//! positive, modulo the partition count — so any Kafka client with the default partitioner
//! (librdkafka's `murmur2_random`, Java's) puts a domain on the same partition as this code.

use url::{Host, Url};

/// The key a page is partitioned by: its host's registrable domain (lowercase, without a
/// trailing dot); a host that has none (an IP address, `localhost`, a public suffix itself) is
/// its own key.
pub fn domain_key(url: &Url) -> Option<String> {
    Some(match url.host()? {
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            match psl::domain_str(&name) {
                Some(domain) => domain.to_string(),
                None => name,
            }
        }
        Host::Ipv4(address) => address.to_string(),
        Host::Ipv6(address) => address.to_string(),
    })
}

/// The partition of `key` among `partitions` (at least 1), as Kafka's default partitioner
/// computes it.
pub fn partition_of(key: &str, partitions: u32) -> u32 {
    let hash = murmur2::murmur2(key.as_bytes(), murmur2::KAFKA_SEED);
    (hash & 0x7fff_ffff) % partitions.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(url: &str) -> String {
        domain_key(&Url::parse(url).unwrap()).unwrap()
    }

    #[test]
    fn hosts_of_one_site_share_a_key() {
        assert_eq!(key("https://vnexpress.net/a.html"), "vnexpress.net");
        assert_eq!(key("https://e.vnexpress.net/news/b.html"), "vnexpress.net");
        assert_eq!(key("https://VNEXPRESS.NET./c"), "vnexpress.net");
        // Two-label public suffixes: the site is the label before them.
        assert_eq!(
            key("https://baochinhphu.chinhphu.gov.vn/x"),
            "chinhphu.gov.vn"
        );
        assert_eq!(key("https://www.bbc.co.uk/news"), "bbc.co.uk");
        assert_eq!(key("https://tuoitre.vn/"), "tuoitre.vn");
        // Internationalised names are keyed in their ASCII form, as the URL holds them
        // (checked with Python's `"báo.vn".encode("idna")`).
        assert_eq!(key("https://báo.vn/tin"), "xn--bo-mia.vn");
    }

    #[test]
    fn hosts_without_a_registrable_domain_are_their_own_key() {
        assert_eq!(key("http://127.0.0.2:8080/a"), "127.0.0.2");
        assert_eq!(key("http://127.0.0.3/a"), "127.0.0.3");
        assert_eq!(key("http://[::1]:80/a"), "::1");
        assert_eq!(key("http://localhost:3000/a"), "localhost");
        assert_eq!(domain_key(&Url::parse("data:text/plain,x").unwrap()), None);
    }

    #[test]
    fn partitions_are_in_range_and_stable() {
        for partitions in [1, 2, 3, 64] {
            for domain in ["vnexpress.net", "tuoitre.vn", "127.0.0.2", ""] {
                assert!(partition_of(domain, partitions) < partitions);
                assert_eq!(
                    partition_of(domain, partitions),
                    partition_of(domain, partitions)
                );
            }
        }
        assert_eq!(partition_of("anything", 0), 0);
        // 64 partitions and a thousand domains: every partition gets some.
        let mut used = std::collections::HashSet::new();
        for n in 0..1000 {
            used.insert(partition_of(&format!("site{n}.vn"), 64));
        }
        assert_eq!(used.len(), 64);
    }
}
