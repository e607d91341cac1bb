//! The family folder's costs: merging every device's changes (a family's whole history; the
//! merge runs on every sync), and sealing and opening a file with XChaCha20-Poly1305. The
//! whole-process figures (Argon2id on create and join, a sync over a year of heavy use) are
//! measured by `scripts/measure-family.sh`.

use criterion::{criterion_group, criterion_main, Criterion};
use mast::family::crypto::{FamilyKey, KdfParams};
use mast::family::merge::merge;
use mast::family::model::{Change, Op, SharedGoal};
use mast::goals::{GoalKind, GoalTarget, Weekdays};

fn history(devices: usize, changes: u64) -> Vec<(String, Vec<Change>)> {
    (0..devices)
        .map(|d| {
            let key = format!("{d:064x}");
            let log = (1..=changes)
                .map(|seq| {
                    let spec = SharedGoal {
                        target: GoalTarget::Platform("instagram".into()),
                        kind: GoalKind::DailyLimit { limit_secs: 60 * (1 + (seq % 120) as u32) },
                        weekdays: Weekdays::ALL,
                        members: vec![],
                    };
                    let goal = format!("g-{:08x}", seq % 50);
                    let op = if d == 0 && seq == 1 {
                        Op::SetOrganisers { organisers: (0..devices).map(|o| format!("{o:064x}")).collect() }
                    } else {
                        Op::PutGoal { goal, spec }
                    };
                    Change { seq, clock: (seq - 1) * devices as u64 + d as u64 + 1, at_ms: 0, op }
                })
                .collect();
            (key, log)
        })
        .collect()
}

fn family(c: &mut Criterion) {
    // Four organiser devices with 2,500 changes each: years of a busy family.
    let logs = history(4, 2_500);
    let creator = logs[0].0.clone();
    let merged = merge(&creator, logs.iter().map(|(k, v)| (k.as_str(), v.as_slice())));
    assert!(merged.refused.is_empty() && merged.goals.len() == 50);
    c.bench_function("family merge of 10,000 changes from 4 devices", |b| {
        b.iter(|| merge(&creator, logs.iter().map(|(k, v)| (k.as_str(), v.as_slice()))))
    });

    let kdf = KdfParams { memory_kib: 8 * 1024, passes: 1, lanes: 1 };
    let (key, _) = FamilyKey::create("bench passphrase", kdf, "00").unwrap();
    let plain = vec![b'x'; 100_000];
    let sealed = key.seal("devices/0000000000000000/changes.mast", &plain);
    c.bench_function("family seal 100 kB", |b| b.iter(|| key.seal("devices/0000000000000000/changes.mast", &plain)));
    c.bench_function("family open 100 kB", |b| {
        b.iter(|| key.open("devices/0000000000000000/changes.mast", &sealed).unwrap())
    });
}

criterion_group!(benches, family);
criterion_main!(benches);
