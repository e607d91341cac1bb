//! Loading a large rules file: 8,000 platforms, each with a title and a url pattern (about
//! 700 kB, under the 1 MiB cap). Every command loads the rules before anything else, so
//! this must stay linear in the file's size: it once took 2.5 s, quadratic in the number
//! of entries. The whole load is measured: TOML parsing, validation, the merge with the
//! built-in rules and compiling the matchers.

use criterion::{criterion_group, criterion_main, Criterion};
use mast::classify::Rules;
use std::path::Path;

fn file(platforms: usize) -> String {
    (0..platforms)
        .map(|i| {
            format!(
                "[[platform]]\nid = \"p{i}\"\nname = \"Site {i}\"\ncategory = \"social\"\ntitles = [\"* - Site {i}\"]\nurls = [\"site{i}.example\"]\n"
            )
        })
        .collect()
}

fn rules(c: &mut Criterion) {
    let text = file(8_000);
    assert!(text.len() <= mast::classify::MAX_RULES_FILE_BYTES);
    let path = Path::new("rules.toml");
    let mut g = c.benchmark_group("rules");
    g.sample_size(10);
    g.bench_function("load 8,000 platforms", |b| b.iter(|| Rules::load(Some((path, &text))).unwrap()));
    g.finish();
}

criterion_group!(benches, rules);
criterion_main!(benches);
