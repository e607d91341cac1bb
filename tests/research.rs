//! `mast research`: the leak test (canary titles, urls, a user name and a home path in the
//! store; no research file may hold any of them), fail-closed aborts, consent, and the
//! bundle's numbers against the store. Read back with pyarrow and DuckDB in
//! scripts/export-readback.sh.

use crate::util::Sandbox;
use mast::classify::Rules;
use mast::model::{Span, StoredWindow};
use mast::settings::TitlePolicy;
use mast::store::{Classifier, Store};
use std::path::Path;

/// Monday 2026-06-01 12:00 UTC.
const MONDAY_NOON: i64 = 1_780_315_200_000;
const DAY: i64 = 86_400_000;
const CANARY_TITLE: &str = "Canary-Title-7f3a — Instagram — Mozilla Firefox";
const CANARY_URL: &str = "https://www.instagram.com/canary-path-91c2/";
const CANARY_DOC: &str = "canary-private-doc-55e1.txt - Text Editor";
const CANARY_USER: &str = "canaryuser4d2";
const CANARY_HOST: &str = "canaryhost8b1";

fn window(app: &str, title: &str, url: Option<&str>) -> StoredWindow {
    StoredWindow {
        app: app.into(),
        exe: app.into(),
        title: Some(title.into()),
        url: url.map(Into::into),
        ..Default::default()
    }
}

/// Ten days of Instagram, YouTube and an editor, with canaries in titles and urls.
fn seeded() -> Sandbox {
    let s = Sandbox::new();
    s.write_config("config.toml", "title_policy = \"all\"\n");
    std::fs::create_dir_all(s.data_dir()).unwrap();
    let mut store = Store::open(&s.db()).unwrap();
    let classifier = Classifier { rules: Rules::builtin(), policy: TitlePolicy::All };
    store.sync_classification(&classifier).unwrap();
    let mut spans = Vec::new();
    for d in 0..10 {
        let t = MONDAY_NOON + d * DAY;
        let span = |start: i64, minutes: i64, w: StoredWindow| Span {
            start_ms: start,
            end_ms: start + minutes * 60_000,
            utc_offset_min: 120,
            window: w,
        };
        spans.push(span(t, 20, window("firefox", CANARY_TITLE, Some(CANARY_URL))));
        spans.push(span(t + 30 * 60_000, 10, window("firefox", "Cats - YouTube — Mozilla Firefox", None)));
        spans.push(span(t + 45 * 60_000, 30, window("gedit", CANARY_DOC, None)));
    }
    store.insert_observed(spans, &classifier).unwrap();
    assert!(store.span_count().unwrap() >= 30);
    s
}

fn protocol(s: &Sandbox, extra: &str) -> std::path::PathBuf {
    let path = s.dir.path().join("study.toml");
    std::fs::write(
        &path,
        format!(
            "study_id = \"leak-test\"\ntitle = \"Leak test\"\nconsent = \"I agree.\"\n\
             [period]\nfrom = 2026-06-01\nto = 2026-06-10\n\
             [collect]\ndaily_totals = true\nsessions = true\nspans = true\n{extra}"
        ),
    )
    .unwrap();
    path
}

fn research(s: &Sandbox, args: &[&str]) -> std::process::Output {
    research_as(s, CANARY_USER, CANARY_HOST, args)
}

/// `mast` run by the user `user` on the host `host`.
fn research_as(s: &Sandbox, user: &str, host: &str, args: &[&str]) -> std::process::Output {
    let home = s.dir.path().join(user);
    s.command()
        .args(args)
        .env("USER", user)
        .env("LOGNAME", user)
        .env("HOME", &home)
        .env("HOSTNAME", host)
        .output()
        .unwrap()
}

/// Adds a day of an editor showing each of `titles` to the sandbox's store.
fn add_titles(s: &Sandbox, titles: &[&str]) {
    let mut store = Store::open(&s.db()).unwrap();
    let classifier = Classifier { rules: Rules::builtin(), policy: TitlePolicy::All };
    store.sync_classification(&classifier).unwrap();
    let spans = titles.iter().enumerate().map(|(i, t)| Span {
        start_ms: MONDAY_NOON + 3 * 3_600_000 + i as i64 * 60_000,
        end_ms: MONDAY_NOON + 3 * 3_600_000 + i as i64 * 60_000 + 30_000,
        utc_offset_min: 120,
        window: window("gedit", t, None),
    });
    store.insert_observed(spans.collect::<Vec<_>>(), &classifier).unwrap();
}

/// Every path under `dir` with its size, sorted; empty when `dir` does not exist.
fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                todo.push(e.path());
            }
            out.push((
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                if meta.is_dir() { 0 } else { meta.len() },
            ));
        }
    }
    out.sort();
    out
}

fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())
        })
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn no_research_file_holds_a_title_url_user_name_host_name_or_home_path() {
    let s = seeded();
    let study = protocol(&s, "[anonymisation]\nmin_days = 0\n");
    let out = s.dir.path().join("bundle");
    let done = research(
        &s,
        &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out.to_str().unwrap(), "--consent"],
    );
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));

    let host = rustix::system::uname().nodename().to_string_lossy().into_owned();
    let home = s.dir.path().join(CANARY_USER).to_string_lossy().into_owned();
    let files = all_bytes(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "manifest.json",
        "dictionary.json",
        "daily_totals.csv",
        "daily_totals.parquet",
        "spans.parquet",
        "sessions.csv",
    ] {
        assert!(names.contains(&want), "{want} missing: {names:?}");
    }
    let canaries = [
        CANARY_HOST,
        "Canary-Title-7f3a",
        "canary-path-91c2",
        "instagram.com",
        "canary-private-doc",
        "gedit",
        "firefox",
        "Text Editor",
        CANARY_USER,
        &home,
        &host,
    ];
    for (name, bytes) in &files {
        for c in canaries {
            assert!(!contains(bytes, c), "{name} contains {c:?}");
        }
    }
    // The data is there, named by platform; the editor's time is not shared at all.
    let daily = String::from_utf8(files.iter().find(|(n, _)| n == "daily_totals.csv").unwrap().1.clone()).unwrap();
    assert!(daily.contains(",instagram,1200,") && daily.contains(",youtube,600,"), "{daily}");
    assert_eq!(daily.lines().count(), 1 + 2 * 10, "{daily}");
}

#[test]
fn a_bundle_that_would_leak_is_not_written_and_consent_is_required() {
    let s = seeded();
    let out = s.dir.path().join("bundle");
    let out_arg = out.to_str().unwrap();
    // Without --consent: the consent text, and nothing written.
    let study = protocol(&s, "");
    let done = research(&s, &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out_arg]);
    assert!(!done.status.success());
    assert!(String::from_utf8_lossy(&done.stdout).contains("I agree."));
    assert!(String::from_utf8_lossy(&done.stderr).contains("run again with --consent"));
    assert!(!out.exists());

    // A study category named like the user: the scan finds it and nothing is left behind.
    let study = protocol(&s, &format!("[targets]\nreport = \"categories\"\n[targets.categories]\n{CANARY_USER} = [\"instagram\"]\n[anonymisation]\nmin_days = 0\n"));
    let done =
        research(&s, &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out_arg, "--consent"]);
    assert!(!done.status.success());
    let err = String::from_utf8_lossy(&done.stderr);
    assert!(err.contains("would contain your user name") && err.contains("nothing was written"), "{err}");
    assert!(!err.contains(CANARY_USER), "the message must not repeat what leaked: {err}");
    let left: Vec<_> = std::fs::read_dir(s.dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().contains("bundle")), "{left:?}");

    // The same for a category named like the host.
    let study = protocol(&s, &format!("[targets]\nreport = \"categories\"\n[targets.categories]\n{CANARY_HOST} = [\"instagram\"]\n[anonymisation]\nmin_days = 0\n"));
    let done =
        research(&s, &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out_arg, "--consent"]);
    let err = String::from_utf8_lossy(&done.stderr);
    assert!(!done.status.success() && err.contains("would contain the host name"), "{err}");
    assert!(!out.exists());

    // A protocol asking for titles is refused before anything is read.
    let study = protocol(&s, "titles = true\n");
    let done = research(&s, &["research", "preview", "--protocol", study.to_str().unwrap()]);
    assert!(!done.status.success());
    assert!(String::from_utf8_lossy(&done.stderr).contains("`collect.titles` asks for data Mast never shares"));
}

#[test]
fn the_participant_is_stable_per_study_and_shifted_days_keep_the_weekday() {
    let s = seeded();
    let study = protocol(&s, "[anonymisation]\nmin_days = 0\n");
    let mut pseudonyms = Vec::new();
    for n in 0..2 {
        let out = s.dir.path().join(format!("bundle{n}"));
        let done = research(
            &s,
            &[
                "research",
                "export",
                "--protocol",
                study.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--consent",
                "--json",
            ],
        );
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        let m: serde_json::Value = serde_json::from_slice(&done.stdout).unwrap();
        pseudonyms.push(m["participant"].as_str().unwrap().to_owned());
        // Determinism: the same data and protocol give the same data files.
        if n == 1 {
            for f in ["daily_totals.csv", "sessions.csv", "spans.csv", "spans.parquet", "dictionary.json"] {
                assert_eq!(
                    std::fs::read(s.dir.path().join("bundle0").join(f)).unwrap(),
                    std::fs::read(out.join(f)).unwrap(),
                    "{f}"
                );
            }
        }
    }
    assert_eq!(pseudonyms[0], pseudonyms[1]);
    assert!(pseudonyms[0].starts_with("p-") && pseudonyms[0].len() == 18);
    let daily = std::fs::read_to_string(s.dir.path().join("bundle0/daily_totals.csv")).unwrap();
    let first = daily.lines().nth(1).unwrap();
    assert!(!first.starts_with("2026-06-01"), "the days are shifted: {first}");
    let date = chrono::NaiveDate::parse_from_str(&first[..10], "%Y-%m-%d").unwrap();
    assert_eq!(chrono::Datelike::weekday(&date), chrono::Weekday::Mon, "{first}");
    assert!(first.contains(",1,instagram,"), "weekday 1 (Monday): {first}");
}

#[test]
fn bundles_of_three_participants_merge_and_bad_sets_are_refused() {
    let participants: Vec<Sandbox> = (0..3).map(|_| seeded()).collect();
    let mut bundles = Vec::new();
    for (i, s) in participants.iter().enumerate() {
        let study = protocol(s, "[anonymisation]\nmin_days = 0\n");
        let out = participants[0].dir.path().join(format!("bundle-{i}"));
        let done = research(
            s,
            &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out.to_str().unwrap(), "--consent"],
        );
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        bundles.push(out.to_str().unwrap().to_owned());
    }
    let s = &participants[0];
    let dataset = s.dir.path().join("dataset");
    let mut args = vec!["research", "merge", "--out", dataset.to_str().unwrap(), "--json"];
    args.extend(bundles.iter().map(String::as_str));
    let merged = s.json(&args);
    assert_eq!(merged["participants"].as_array().unwrap().len(), 3);
    assert_eq!(merged["rows"]["daily_totals"], 3 * 20);
    assert_eq!(merged["rows"]["spans"], 3 * 20);
    let parts: Vec<_> =
        std::fs::read_dir(dataset.join("daily_totals")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(parts.len(), 3);
    assert!(parts.iter().all(|p| p.to_string_lossy().starts_with("participant=p-")), "{parts:?}");

    let fails = |bundles: &[&str]| {
        let out = s.dir.path().join("refused");
        let mut args = vec!["research", "merge", "--out", out.to_str().unwrap()];
        args.extend(bundles);
        let err = s.fails(&args);
        assert!(!out.exists(), "nothing written");
        err
    };
    let err = fails(&[&bundles[0], &bundles[1], &bundles[0]]);
    assert!(err.contains("are both from participant p-"), "{err}");

    // Another study's bundle.
    let other = s.dir.path().join("other-study");
    let study = protocol(s, "");
    std::fs::write(&study, std::fs::read_to_string(&study).unwrap().replace("leak-test", "another-study")).unwrap();
    let done = research(
        s,
        &["research", "export", "--protocol", study.to_str().unwrap(), "--out", other.to_str().unwrap(), "--consent"],
    );
    assert!(done.status.success());
    let err = fails(&[&bundles[1], other.to_str().unwrap()]);
    assert!(err.contains("from study another-study") && err.contains("one study's bundles at a time"), "{err}");

    // A damaged bundle: a manifest that is not JSON, a future schema, a short data file.
    let broken = s.dir.path().join("broken");
    let copy = |name: &str| {
        let to = s.dir.path().join(name);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(&bundles[2]).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
        to
    };
    let b = copy("broken");
    std::fs::write(b.join("manifest.json"), "{ not json").unwrap();
    assert!(fails(&[broken.to_str().unwrap()]).contains("manifest.json is not valid JSON"));
    let b = copy("future");
    let m = std::fs::read_to_string(b.join("manifest.json"))
        .unwrap()
        .replace("\"schemaVersion\": 1", "\"schemaVersion\": 9");
    std::fs::write(b.join("manifest.json"), m).unwrap();
    assert!(fails(&[b.to_str().unwrap()]).contains("bundle schema 9"));
    let b = copy("short");
    let csv = std::fs::read_to_string(b.join("daily_totals.csv")).unwrap();
    std::fs::write(b.join("daily_totals.csv"), csv.lines().take(3).collect::<Vec<_>>().join("\n") + "\n").unwrap();
    assert!(fails(&[b.to_str().unwrap()]).contains("daily_totals.csv has 2 rows, its manifest says 20"));
    let b = copy("typed");
    std::fs::write(b.join("daily_totals.csv"), csv.replacen(",1200,", ",twenty minutes,", 1)).unwrap();
    assert!(fails(&[b.to_str().unwrap()]).contains("has a value of the wrong type"));
}

#[test]
fn a_study_gets_only_the_fields_it_chose_and_such_bundles_merge() {
    let s = seeded();
    let study = s.dir.path().join("fields.toml");
    std::fs::write(
        &study,
        "study_id = \"fields-test\"\ntitle = \"Fields\"\nconsent = \"I agree.\"\n[period]\nfrom = 2026-06-01\n\
         to = 2026-06-10\n[collect]\nsessions = [\"seconds\"]\n[anonymisation]\nmin_days = 0\n",
    )
    .unwrap();
    let out = s.dir.path().join("bundle");
    let done = research(
        &s,
        &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out.to_str().unwrap(), "--consent"],
    );
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let sessions = std::fs::read_to_string(out.join("sessions.csv")).unwrap();
    assert_eq!(sessions.lines().next(), Some("day,target,seconds"));
    assert!(!out.join("daily_totals.csv").exists(), "not collected");
    let dictionary = std::fs::read_to_string(out.join("dictionary.json")).unwrap();
    assert!(!dictionary.contains("start_minute"), "{dictionary}");
    let dataset = s.dir.path().join("dataset");
    let merged = s.json(&["research", "merge", out.to_str().unwrap(), "--out", dataset.to_str().unwrap(), "--json"]);
    assert_eq!(merged["rows"]["sessions"], 20);
}

/// Every file and dir under `dir`, with the bytes of each file (links listed, not followed).
fn tree(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let t = std::fs::symlink_metadata(&p).unwrap().file_type();
            let name = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if t.is_dir() {
                stack.push(p);
                out.push((name, None));
            } else if t.is_file() {
                out.push((name, Some(std::fs::read(&p).unwrap())));
            } else {
                out.push((name, None));
            }
        }
    }
    out.sort();
    out
}

/// The bug: `mast research merge` made folders from the participant a bundle's
/// `manifest.json` names, so a manifest could lead it to write outside `--out`; and it read
/// a bundle's files through links and waited on FIFOs. Every value of the manifest that
/// names a path, every file of a bundle.
#[test]
fn a_bundle_cannot_lead_the_merge_outside_out_or_through_a_link() {
    let s = seeded();
    let root = tempfile::tempdir().unwrap();
    let study = protocol(&s, "[anonymisation]\nmin_days = 0\n");
    let good = root.path().join("bundle");
    let done = research(
        &s,
        &["research", "export", "--protocol", study.to_str().unwrap(), "--out", good.to_str().unwrap(), "--consent"],
    );
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(good.join("manifest.json")).unwrap()).unwrap();
    let out = root.path().join("out").join("dataset");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let bad = root.path().join("bad");
    let merge_refused = |bundle: &Path, words: &str| {
        let before = tree(root.path());
        let mut cmd = s.command();
        cmd.args(["research", "merge", "--out", out.to_str().unwrap(), bundle.to_str().unwrap()]);
        let done = crate::util::promptly(cmd);
        let err = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(1), "{err}");
        assert!(err.contains(words), "want '{words}': {err}");
        assert_eq!(tree(root.path()), before, "nothing written anywhere: {err}");
    };
    let copy_good = || {
        let _ = std::fs::remove_dir_all(&bad);
        std::fs::create_dir_all(&bad).unwrap();
        for e in std::fs::read_dir(&good).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), bad.join(e.file_name())).unwrap();
        }
    };
    let with = |edit: &dyn Fn(&mut serde_json::Value)| {
        copy_good();
        let mut m = manifest.clone();
        edit(&mut m);
        std::fs::write(bad.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
    };

    for participant in
        ["../../../../escape", "p-../x", "p-/../../../../../escape", "/tmp/escape", "p-0123456789ABCDEF", ""]
    {
        with(&|m| m["participant"] = participant.into());
        merge_refused(&bad, "is not a pseudonym Mast makes");
        merge_refused(&bad, &bad.display().to_string());
    }
    with(&|m| m["studyId"] = "../x".into());
    merge_refused(&bad, "is not a study id");
    for file in ["../../daily_totals.csv", "/etc/passwd", "daily_totals.csv/../x.csv"] {
        with(&|m| {
            m["files"][file] = 1.into();
        });
        merge_refused(&bad, "lists a file");
    }

    // A bundle's files as links (to a file of the researcher's) or FIFOs: refused, never
    // read through or waited on.
    let victim = root.path().join("secret.txt");
    std::fs::write(&victim, "the researcher's own file").unwrap();
    for file in ["manifest.json", "daily_totals.csv", "dictionary.json"] {
        copy_good();
        std::fs::remove_file(bad.join(file)).unwrap();
        std::os::unix::fs::symlink(&victim, bad.join(file)).unwrap();
        merge_refused(&bad, &format!("{file} is a symbolic link"));
        std::fs::remove_file(bad.join(file)).unwrap();
        crate::util::mkfifo(&bad.join(file));
        merge_refused(&bad, &format!("{file} is a FIFO"));
    }
    std::fs::remove_dir_all(&bad).unwrap();

    // The dataset's temporary sibling planted as a link to a folder elsewhere.
    let elsewhere = root.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.with_file_name(".dataset.partial")).unwrap();
    merge_refused(&good, ".dataset.partial is a symbolic link");
    std::fs::remove_file(out.with_file_name(".dataset.partial")).unwrap();
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);

    // And the good bundle merges, below --out only.
    let done = s.run(&["research", "merge", "--out", out.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let p = manifest["participant"].as_str().unwrap();
    assert!(out.join(format!("daily_totals/participant={p}/part-0.parquet")).is_file());
    assert_eq!(std::fs::read_dir(out.parent().unwrap()).unwrap().count(), 1, "only the dataset beside it");
}

/// Regression: the scan ran over the bundle's bytes and stopped the export, calling it a
/// bug, for a user named `user`, a host named `mast` (words of the file format) or a
/// window titled like a platform, the study or a column.
#[test]
fn common_words_as_user_host_or_titles_do_not_stop_an_export() {
    let s = seeded();
    add_titles(&s, &["instagram", "Leak test", "leak-test", "seconds", "user name", "daily_totals"]);
    let study = protocol(&s, "[anonymisation]\nmin_days = 0\n");
    for (user, host) in [("user", "mast"), ("mast", "host"), ("other", "localhost")] {
        let out = s.dir.path().join(format!("bundle-{user}"));
        let done = research_as(
            &s,
            user,
            host,
            &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out.to_str().unwrap(), "--consent"],
        );
        assert!(done.status.success(), "{user}@{host}: {}", String::from_utf8_lossy(&done.stderr));
        assert!(out.join("manifest.json").exists());
    }
}

/// A real leak still stops the export: a stored title that a study category repeats, so
/// that it would stand in every row. The message says what to do and not what leaked.
#[test]
fn a_category_named_like_a_stored_title_stops_the_export_with_what_to_do() {
    let s = seeded();
    add_titles(&s, &["canarytitle3e9"]);
    let study = protocol(
        &s,
        "[targets]\nreport = \"categories\"\n[targets.categories]\ncanarytitle3e9 = [\"instagram\"]\n\
         [anonymisation]\nmin_days = 0\n",
    );
    let out = s.dir.path().join("bundle");
    let done = research_as(
        &s,
        "user",
        "mast",
        &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out.to_str().unwrap(), "--consent"],
    );
    assert!(!done.status.success());
    let err = String::from_utf8_lossy(&done.stderr);
    assert!(err.contains("would contain a stored window title or url (in the target column of"), "{err}");
    assert!(err.contains("nothing was written") && err.contains("rename the category"), "{err}");
    assert!(err.contains("title_policy = \"none\""), "{err}");
    assert!(!err.contains("it is a bug") && !err.contains("canarytitle3e9"), "{err}");
    assert!(!out.exists());
}

/// Regression: `research preview`, documented as writing nothing, created the study's
/// participant file in the data dir (and, with no data yet, the data dir and database).
#[test]
fn preview_and_an_export_without_consent_write_nothing() {
    let s = seeded();
    let study = protocol(&s, "[anonymisation]\nmin_days = 0\n");
    let before = listing(&s.data_dir());
    assert!(!before.is_empty());
    let done = research(&s, &["research", "preview", "--protocol", study.to_str().unwrap()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let shown = String::from_utf8_lossy(&done.stdout);
    assert!(shown.contains("as a new participant") && shown.contains("daily_totals: 20 rows"), "{shown}");
    assert_eq!(listing(&s.data_dir()), before);
    let out = s.dir.path().join("bundle");
    let done =
        research(&s, &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!done.status.success());
    assert_eq!(listing(&s.data_dir()), before, "no consent, no pseudonym kept");

    // Once exported, the preview shows the participant it will be.
    let done = research(
        &s,
        &["research", "export", "--protocol", study.to_str().unwrap(), "--out", out.to_str().unwrap(), "--consent"],
    );
    assert!(done.status.success());
    let after_export = listing(&s.data_dir());
    let done = research(&s, &["research", "preview", "--protocol", study.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&done.stdout).contains("as participant p-"));
    assert_eq!(listing(&s.data_dir()), after_export);

    // No data yet: the preview neither creates the data dir nor a database.
    let fresh = Sandbox::new();
    let study = protocol(&fresh, "");
    assert!(!fresh.data_dir().exists());
    let done = research(&fresh, &["research", "preview", "--protocol", study.to_str().unwrap()]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(!fresh.data_dir().exists(), "{:?}", listing(fresh.dir.path()));
}
