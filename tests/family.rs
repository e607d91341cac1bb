//! Families through the real `mast` binary: three devices with their own data dirs, two
//! copies of the family folder kept in step by copying each device's own files (as a sync
//! tool would), and every kind of bad file a folder can hold.

use crate::util::Sandbox;
use mast::family::crypto::{FamilyKey, KdfParams};
use mast::family::folder::LocalState;
use mast::family::model::{Change, ChangeLog, Op, SharedGoal};
use mast::family::signing::{short_id, DeviceKey};
use mast::goals::{GoalKind, GoalTarget, Weekdays};
use mast::model::{Category, Span, StoredWindow};
use mast::store::Store;
use serde_json::Value;
use std::fs;
use std::path::Path;

const PASS: &str = "three blind mice run";

/// A device: a sandbox whose clock's day began twelve hours ago (so the last hour is
/// "today" whatever time the test runs), in UTC.
fn device() -> Sandbox {
    let s = Sandbox::new();
    let hour = (chrono::Utc::now().format("%H").to_string().parse::<u8>().unwrap() + 12) % 24;
    s.write_config("config.toml", &format!("day_start_hour = {hour}\n"));
    s
}

fn mast(s: &Sandbox, args: &[&str]) -> std::process::Output {
    s.command().env("MAST_FAMILY_PASSPHRASE", PASS).env("TZ", "UTC").args(args).output().expect("run mast")
}

fn ok(s: &Sandbox, args: &[&str]) -> String {
    let out = mast(s, args);
    assert!(out.status.success(), "mast {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn refused(s: &Sandbox, args: &[&str]) -> String {
    let out = mast(s, args);
    assert_eq!(out.status.code(), Some(1), "mast {args:?} should fail: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).unwrap()
}

fn status(s: &Sandbox) -> Value {
    serde_json::from_str(&ok(s, &["family", "status", "--json"])).unwrap()
}

fn goal_set(v: &Value) -> Vec<(String, String)> {
    v["goals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["id"].as_str().unwrap().into(), g["objective"].as_str().unwrap().into()))
        .collect()
}

fn problems(v: &Value) -> Vec<String> {
    v["problems"].as_array().unwrap().iter().map(|p| format!("{}: {}", p["file"], p["message"])).collect()
}

/// What a sync tool does between two copies of the folder: each device's own files go from
/// the copy it writes to the other; a device folder its owner removed is removed.
fn exchange(from: &Path, to: &Path, devices: &[&str]) {
    for d in devices {
        let src = from.join("devices").join(d);
        let dst = to.join("devices").join(d);
        let _ = fs::remove_dir_all(&dst);
        if src.exists() {
            fs::create_dir_all(&dst).unwrap();
            for f in fs::read_dir(&src).unwrap() {
                let f = f.unwrap();
                fs::copy(f.path(), dst.join(f.file_name())).unwrap();
            }
        }
    }
    if !to.join("family.json").exists() {
        fs::copy(from.join("family.json"), to.join("family.json")).unwrap();
    }
}

/// Joins `folder` as `member`, with the fingerprint the family's first device shows.
fn join(s: &Sandbox, folder: &Path, member: &str, code: &str) -> String {
    ok(s, &["family", "join", "--folder", folder.to_str().unwrap(), "--member", member, "--fingerprint", code])
}

fn fingerprint(v: &Value) -> String {
    v["fingerprint"].as_str().unwrap().to_owned()
}

fn short(v: &Value) -> String {
    v["me"]["device"].as_str().unwrap().to_owned()
}

/// Forty minutes of Instagram ending a minute ago.
fn use_instagram(s: &Sandbox, minutes: i64) {
    fs::create_dir_all(s.data_dir()).unwrap();
    let mut store = Store::open(&s.db()).unwrap();
    let end = chrono::Utc::now().timestamp_millis() - 60_000;
    let span = Span {
        start_ms: end - minutes * 60_000,
        end_ms: end,
        utc_offset_min: 0,
        window: StoredWindow {
            app: "firefox".into(),
            exe: "firefox".into(),
            platform: Some("instagram".into()),
            category: Some(Category::Social),
            ..StoredWindow::default()
        },
    };
    store.write_spans(&[span]).unwrap();
}

#[test]
fn three_devices_converge_share_adherence_and_leave() {
    let root = tempfile::tempdir().unwrap();
    let (f1, f2) = (root.path().join("folder-1"), root.path().join("folder-2"));
    let (parent, teen, carer) = (device(), device(), device());
    let out =
        ok(&parent, &["family", "create", "--folder", f1.to_str().unwrap(), "--name", "Home", "--member", "parent"]);
    assert!(out.contains("Created the family 'Home'"), "{out}");
    fs::create_dir_all(&f2).unwrap();
    exchange(&f1, &f2, &[]);
    let code = fingerprint(&status(&parent));
    join(&teen, &f1, "teen", &code);
    let p = short(&status(&parent));
    let t = short(&status(&teen));
    exchange(&f1, &f2, &[&p, &t]);
    join(&carer, &f2, "carer", &code);
    let c = short(&status(&carer));
    exchange(&f2, &f1, &[&c]);

    // The creator makes the carer an organiser and adds a goal for everyone.
    ok(&parent, &["family", "organiser", "carer"]);
    let out = ok(&parent, &["family", "add", "instagram", "--daily", "30m"]);
    assert!(out.contains("instagram: at most 30 min a day"), "{out}");
    let g1 = goal_set(&status(&parent))[0].0.clone();
    exchange(&f1, &f2, &[&p, &t]);
    assert_eq!(goal_set(&status(&carer)).len(), 1);

    // Concurrent edits while the two copies are apart: both organisers edit the same goal and
    // each adds one of their own.
    ok(&parent, &["family", "edit", &g1, "instagram", "--daily", "20m"]);
    ok(&parent, &["family", "add", "youtube", "--session-cap", "15m", "--for", "teen"]);
    ok(&carer, &["family", "edit", &g1, "instagram", "--daily", "45m"]);
    ok(&carer, &["family", "add", "social", "--downtime", "22:00-07:00"]);
    // A member cannot change goals; a proposal waits for an organiser.
    let e = refused(&teen, &["family", "add", "tiktok", "--daily", "5m"]);
    assert!(e.contains("only the family's organisers"), "{e}");
    ok(&teen, &["family", "propose", "reddit", "--daily", "15m"]);
    exchange(&f1, &f2, &[&p, &t]);
    exchange(&f2, &f1, &[&c]);

    let (sp, st, sc) = (status(&parent), status(&teen), status(&carer));
    assert_eq!(goal_set(&sp), goal_set(&st), "parent and teen converge");
    assert_eq!(goal_set(&sp), goal_set(&sc), "parent and carer converge");
    assert_eq!(goal_set(&sp).len(), 3, "both concurrent additions are kept: {:?}", goal_set(&sp));
    assert!(problems(&sp).is_empty(), "{:?}", problems(&sp));
    let proposal = sc["proposals"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(sc["proposals"][0]["status"], "pending");
    ok(&carer, &["family", "accept", &proposal]);
    exchange(&f2, &f1, &[&c]);
    assert_eq!(goal_set(&status(&teen)).len(), 4, "the accepted proposal is a goal");

    // The shared goals are the teen's goals on the teen's device, marked as the family's,
    // and feed the mismatch view.
    let goals: Value = serde_json::from_str(&ok(&teen, &["goals", "list", "--json"])).unwrap();
    let sources: Vec<&Value> = goals.as_array().unwrap().iter().map(|g| &g["source"]).collect();
    assert_eq!(sources.len(), 4, "{goals}");
    assert!(sources.iter().all(|s| s["family"] == "Home"), "{goals}");
    // The youtube goal is for the teen only.
    ok(&parent, &["family", "sync"]);
    let parent_goals: Value = serde_json::from_str(&ok(&parent, &["goals", "list", "--json"])).unwrap();
    assert_eq!(parent_goals.as_array().unwrap().len(), 3, "{parent_goals}");

    // Adherence: forty minutes of Instagram break the daily limit (20 or 45 min, whichever
    // edit won) or keep it, and the other devices see the same verdict.
    use_instagram(&teen, 40);
    let mismatch: Value = serde_json::from_str(&ok(&teen, &["mismatch", "--json"])).unwrap();
    assert!(mismatch.to_string().contains("\"family\":\"Home\""), "the shared goals feed the mismatch view");
    ok(&teen, &["family", "sync"]);
    exchange(&f1, &f2, &[&t]);
    let limit = sc["goals"].as_array().unwrap().iter().find(|g| g["id"] == g1.as_str()).unwrap()["goal"]["limitSecs"]
        .as_u64()
        .unwrap();
    let want = if limit < 40 * 60 { "broken" } else { "atRisk" };
    for viewer in [&parent, &carer] {
        let week = status(viewer)["week"].clone();
        let row = week["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["member"] == "teen" && r["goal"] == g1.as_str())
            .unwrap();
        let today = row["days"].as_array().unwrap().iter().rfind(|d| d["status"] != "future").unwrap();
        assert!((row["seconds"].as_f64().unwrap() - 2400.0).abs() < 1.0, "{row}");
        assert!(today["status"] == want || (want == "atRisk" && today["status"] == "kept"), "{row}");
    }
    // The preview is what the teen's device shares: totals on the goals' targets and marks.
    let preview: Value = serde_json::from_str(&ok(&teen, &["family", "preview", "--json"])).unwrap();
    let text = preview.to_string();
    assert!(text.contains("instagram") && !text.contains("firefox"), "{text}");

    // Leaving removes the teen's files, and the family's goals from the teen's device.
    let out = ok(&teen, &["family", "leave", "--yes"]);
    assert!(out.contains("Left the family"), "{out}");
    assert!(!f1.join("devices").join(&t).exists());
    assert_eq!(ok(&teen, &["goals", "list", "--json"]).trim(), "[]");
    exchange(&f1, &f2, &[&t]);
    for viewer in [&parent, &carer] {
        let s = status(viewer);
        assert!(!s["members"].as_array().unwrap().iter().any(|m| m["name"] == "teen"), "{}", s["members"]);
        assert!(!s["week"]["rows"].as_array().unwrap().iter().any(|r| r["member"] == "teen"));
    }
    let e = refused(&teen, &["family", "status"]);
    assert!(e.contains("in no family"), "{e}");
    let sp = status(&parent);
    assert_eq!(sp["proposals"][0]["proposedBy"], "a former member", "{}", sp["proposals"]);

    // An organiser leaves; a device that joins afterwards merges the same goals, the
    // organiser's included.
    ok(&carer, &["family", "leave", "--yes"]);
    exchange(&f2, &f1, &[&c]);
    let newcomer = device();
    join(&newcomer, &f1, "newcomer", &code);
    let sn = status(&newcomer);
    assert_eq!(goal_set(&sn), goal_set(&status(&parent)), "{:?}", problems(&sn));
    assert_eq!(goal_set(&sn).len(), 4);
    assert!(problems(&sn).is_empty(), "{:?}", problems(&sn));
}

/// The secrets of a device, from its record, to write files as that device would.
fn secrets(s: &Sandbox) -> (FamilyKey, DeviceKey, LocalState) {
    let state = LocalState::load(&LocalState::path_in(&s.data_dir())).unwrap().unwrap();
    let hex = |h: &str| -> [u8; 32] {
        (0..32).map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap()).collect::<Vec<_>>().try_into().unwrap()
    };
    (FamilyKey::from_raw(state.header.id, hex(&state.key)), DeviceKey::from_secret(&hex(&state.device)), state)
}

fn seal(key: &FamilyKey, device: &DeviceKey, name: &str, body: &impl serde::Serialize) -> Vec<u8> {
    let body = serde_json::to_string(body).unwrap();
    key.seal(name, serde_json::to_string(&device.sign(key.family(), name, &body)).unwrap().as_bytes())
}

fn has_problem(s: &Sandbox, file: &str, words: &str) {
    let v = status(s);
    let found = problems(&v);
    assert!(found.iter().any(|p| p.contains(file) && p.contains(words)), "want '{words}' about {file} in {found:?}");
}

#[test]
fn bad_files_are_refused_each_with_its_reason_and_merge_nothing() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("family");
    let f = folder.to_str().unwrap();
    let (parent, teen) = (device(), device());
    ok(&parent, &["family", "create", "--folder", f, "--name", "Home", "--member", "parent"]);
    let code = fingerprint(&status(&parent));

    // A wrong passphrase joins nothing and writes nothing.
    let e = teen
        .command()
        .env("MAST_FAMILY_PASSPHRASE", "not the passphrase")
        .args(["family", "join", "--folder", f, "--member", "teen", "--fingerprint", &code])
        .output()
        .unwrap();
    assert_eq!(e.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&e.stderr).contains("the passphrase is wrong"),
        "{}",
        String::from_utf8_lossy(&e.stderr)
    );
    assert_eq!(fs::read_dir(folder.join("devices")).unwrap().count(), 1, "only the creator's device");
    join(&teen, &folder, "teen", &code);

    ok(&parent, &["family", "add", "instagram", "--daily", "30m"]);
    let p = short(&status(&parent));
    let t = short(&status(&teen));
    let pdir = folder.join("devices").join(&p);
    let old_changes = fs::read(pdir.join("changes.mast")).unwrap();
    ok(&parent, &["family", "add", "tiktok", "--daily", "10m"]);
    assert_eq!(goal_set(&status(&teen)).len(), 2);

    // A replayed old version: the older copy of the parent's changes is refused, and the
    // goal it lacks stays.
    fs::write(pdir.join("changes.mast"), &old_changes).unwrap();
    has_problem(&teen, "changes.mast", "older copy");
    assert_eq!(goal_set(&status(&teen)).len(), 2);
    ok(&parent, &["family", "sync"]); // a sync by the parent heals nothing it does not own…
    let mut current = fs::read(pdir.join("changes.mast")).unwrap();

    // Flipped bytes.
    let last = current.len() - 1;
    current[last] ^= 0x40;
    fs::write(pdir.join("changes.mast"), &current).unwrap();
    has_problem(&teen, "changes.mast", "changed or damaged");
    // Cut short, and from a newer Mast.
    let adherence = fs::read(pdir.join("adherence.mast")).unwrap();
    fs::write(pdir.join("adherence.mast"), &adherence[..20]).unwrap();
    has_problem(&teen, "adherence.mast", "cut short");
    let mut newer = adherence.clone();
    newer[8] = 9;
    fs::write(pdir.join("adherence.mast"), &newer).unwrap();
    has_problem(&teen, "adherence.mast", "newer Mast");
    fs::write(pdir.join("adherence.mast"), &adherence).unwrap();

    // A file from another family (with the same passphrase) copied into this folder.
    let other = device();
    let other_folder = root.path().join("other");
    ok(
        &other,
        &["family", "create", "--folder", other_folder.to_str().unwrap(), "--name", "Other", "--member", "parent"],
    );
    let o = short(&status(&other));
    fs::create_dir_all(folder.join("devices").join(&o)).unwrap();
    fs::copy(
        other_folder.join("devices").join(&o).join("member.mast"),
        folder.join("devices").join(&o).join("member.mast"),
    )
    .unwrap();
    has_problem(&teen, "member.mast", "another family");
    // Files swapped between two devices' folders fail authentication (the name is sealed in).
    fs::copy(pdir.join("member.mast"), folder.join("devices").join(&o).join("member.mast")).unwrap();
    has_problem(&teen, &format!("{o}/member.mast"), "changed or damaged");
    fs::remove_dir_all(folder.join("devices").join(&o)).unwrap();

    // The teen, who knows the passphrase, writes goal changes in their own name…
    let (key, teen_key, _) = secrets(&teen);
    let spec = SharedGoal {
        target: GoalTarget::Platform("instagram".into()),
        kind: GoalKind::DailyLimit { limit_secs: 24 * 3600 },
        weekdays: Weekdays::ALL,
        members: vec![],
    };
    let forged = serde_json::to_string(&Change {
        seq: 1,
        clock: 3,
        at_ms: 0,
        op: Op::PutGoal { goal: "g-0000beef".into(), spec: spec.clone() },
    })
    .unwrap();
    let name = format!("devices/{t}/changes.mast");
    let teen_good = fs::read(folder.join(&name)).unwrap();
    let log =
        ChangeLog { key: teen_key.public(), version: 1000, changes: vec![teen_key.sign_change(key.family(), &forged)] };
    fs::write(folder.join(&name), seal(&key, &teen_key, &name, &log)).unwrap();
    has_problem(&parent, &name, "not an organiser");
    // …or carried in the teen's file as if the parent had made it…
    let parent_key = secrets(&parent).1.public();
    let mut as_parent = teen_key.sign_change(key.family(), &forged);
    as_parent.author = parent_key.clone();
    let log = ChangeLog { key: teen_key.public(), version: 1001, changes: vec![as_parent] };
    fs::write(folder.join(&name), seal(&key, &teen_key, &name, &log)).unwrap();
    has_problem(&parent, &name, "not signed by the device it names");
    fs::write(folder.join(&name), &teen_good).unwrap();
    // …or as the parent's own file: the file's signature is not the parent's device's.
    let name = format!("devices/{p}/changes.mast");
    let log = ChangeLog { key: parent_key, version: 1000, changes: vec![teen_key.sign_change(key.family(), &forged)] };
    let parent_good = fs::read(folder.join(&name)).unwrap();
    fs::write(folder.join(&name), seal(&key, &teen_key, &name, &log)).unwrap();
    has_problem(&teen, &name, "signature is not its device's");
    fs::write(folder.join(&name), parent_good).unwrap();
    for s in [&parent, &teen] {
        let goals = goal_set(&status(s));
        assert!(!goals.iter().any(|(id, _)| id == "g-0000beef"), "{goals:?}");
        assert_eq!(goals.len(), 2);
    }
    assert_eq!(short_id(&secrets(&parent).1.public()), p);

    // Sync tools' conflict copies and temporary files are not read at all.
    for junk in [
        "changes.sync-conflict-20261129-101010-ABCDEFG.mast",
        ".syncthing.changes.mast.tmp",
        "changes (conflicted copy).mast",
        "~changes.mast",
    ] {
        fs::write(pdir.join(junk), b"junk").unwrap();
    }
    fs::create_dir_all(folder.join(".stversions")).unwrap();
    let v = status(&teen);
    assert!(
        !problems(&v).iter().any(|p| p.contains("conflict") || p.contains("junk") || p.contains("tmp")),
        "{:?}",
        problems(&v)
    );

    // A bad passphrase file, a short passphrase and a second family are refused clearly.
    let e = refused(&other, &["family", "create", "--folder", f, "--name", "X", "--member", "y"]);
    assert!(e.contains("already in the family"), "{e}");
    let fresh = device();
    let e = fresh
        .command()
        .env("MAST_FAMILY_PASSPHRASE", "short")
        .args(["family", "create", "--folder", root.path().join("x").to_str().unwrap(), "--name", "X", "--member", "y"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&e.stderr).contains("too short"));
    let e = refused(&fresh, &["family", "create", "--folder", f, "--name", "X", "--member", "y"]);
    assert!(e.contains("already holds a family"), "{e}");
}

/// The names Mast writes in a device's folder, and the temporary names it used to write
/// them through (fixed names, so a link could be planted there in advance).
const DEVICE_FILES: [&str; 3] = ["member.mast", "changes.mast", "adherence.mast"];

fn planted_names(file: &str) -> [String; 2] {
    [file.to_owned(), format!(".{file}.mast-tmp")]
}

/// A file outside the folder that a planted link points at: it must never change.
fn victim(root: &Path) -> (std::path::PathBuf, impl Fn()) {
    let path = root.join("victim.txt");
    fs::write(&path, "the user's own file").unwrap();
    let p = path.clone();
    (path, move || assert_eq!(fs::read_to_string(&p).unwrap(), "the user's own file", "written through a link"))
}

fn is_real_file(path: &Path) -> bool {
    fs::symlink_metadata(path).map(|m| m.file_type().is_file()).unwrap_or(false)
}

/// The bug: a link planted where Mast writes its temporary or final files in the family
/// folder (beside a device's `changes.mast`, say) was followed, and Mast overwrote the
/// link's target: any file the user can write. Every file of the folder, on create, join
/// and sync.
#[test]
fn links_planted_where_the_family_folder_is_written_are_never_written_through() {
    let root = tempfile::tempdir().unwrap();
    let (target, unchanged) = victim(root.path());
    let folder = root.path().join("family");
    let f = folder.to_str().unwrap();
    let (parent, teen) = (device(), device());

    // The header, on create: a link in its place is refused with the fix; at its old
    // temporary name it is left alone.
    fs::create_dir_all(&folder).unwrap();
    std::os::unix::fs::symlink(&target, folder.join("family.json")).unwrap();
    let err = refused(&parent, &["family", "create", "--folder", f, "--name", "Home", "--member", "parent"]);
    assert!(err.contains("family.json is a symbolic link") && err.contains("Remove it"), "{err}");
    unchanged();
    fs::remove_file(folder.join("family.json")).unwrap();
    std::os::unix::fs::symlink(&target, folder.join(".family.json.mast-tmp")).unwrap();
    ok(&parent, &["family", "create", "--folder", f, "--name", "Home", "--member", "parent"]);
    unchanged();
    assert!(is_real_file(&folder.join("family.json")));
    join(&teen, &folder, "teen", &fingerprint(&status(&parent)));
    unchanged();

    // Each device's files, at their final and temporary names: the next sync writes each
    // afresh (its own files no longer read back), never through the link.
    for s in [&parent, &teen] {
        let me = short(&status(s));
        let dir = folder.join("devices").join(&me);
        for file in DEVICE_FILES {
            for name in planted_names(file) {
                let _ = fs::remove_file(dir.join(&name));
                std::os::unix::fs::symlink(&target, dir.join(&name)).unwrap();
            }
        }
        ok(s, &["family", "sync"]);
        unchanged();
        for file in DEVICE_FILES {
            assert!(is_real_file(&dir.join(file)), "{me}/{file} is written as a file of its own");
        }
        // What was written is the device's own again: the other member reads it.
        let other = if std::ptr::eq(s, &parent) { &teen } else { &parent };
        ok(other, &["family", "sync"]);
        let v = status(other);
        assert!(problems(&v).iter().all(|p| !p.contains(&me)), "{:?}", problems(&v));
    }
    unchanged();

    // Another member's file replaced by a link is not read through it: a problem, with the fix.
    let t = short(&status(&teen));
    let teen_card = folder.join("devices").join(&t).join("member.mast");
    fs::remove_file(&teen_card).unwrap();
    std::os::unix::fs::symlink(&target, &teen_card).unwrap();
    ok(&parent, &["family", "sync"]);
    has_problem(&parent, &format!("{t}/member.mast"), "symbolic link");
    unchanged();
}

/// The bug: a device's own folder replaced by a link to a folder elsewhere was written
/// through (and `family leave` removed what was there).
#[test]
fn a_device_folder_replaced_by_a_link_is_never_written_through() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("family");
    let f = folder.to_str().unwrap();
    let (parent, teen) = (device(), device());
    ok(&parent, &["family", "create", "--folder", f, "--name", "Home", "--member", "parent"]);
    join(&teen, &folder, "teen", &fingerprint(&status(&parent)));
    let (p, t) = (short(&status(&parent)), short(&status(&teen)));
    let elsewhere = root.path().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::write(elsewhere.join("member.mast"), "not Mast's").unwrap();
    let listing = |d: &Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.file_name().into_string().unwrap(), fs::read(e.path()).unwrap())
            })
            .collect();
        v.sort();
        v
    };
    let before = listing(&elsewhere);
    let pdir = folder.join("devices").join(&p);
    fs::remove_dir_all(&pdir).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &pdir).unwrap();

    // This device's own folder: refused with the fix, nothing written where it points.
    let err = refused(&parent, &["family", "sync"]);
    assert!(err.contains(&format!("devices/{p} is a symbolic link")) && err.contains("Remove it"), "{err}");
    assert_eq!(listing(&elsewhere), before);
    // Another device's folder as a link is not a device's folder: the sync goes on without it.
    ok(&teen, &["family", "sync"]);
    let v = status(&teen);
    assert!(v["members"].as_array().unwrap().iter().all(|m| m["device"] != p.as_str()), "{v}");
    assert_eq!(listing(&elsewhere), before);

    // Leaving removes the link, not what it points at.
    ok(&parent, &["family", "leave", "--yes"]);
    assert_eq!(listing(&elsewhere), before);
    assert!(fs::symlink_metadata(&pdir).is_err(), "the link is gone");
    assert!(folder.join("devices").join(&t).join("member.mast").exists());
}

/// The hang: a FIFO in the family folder made `family sync` wait forever, holding its lock.
/// Each file the sync reads, in another member's folder and in the device's own: the sync
/// returns at once and reports it, and still works for everything else.
#[test]
fn fifos_in_the_family_folder_are_reported_never_waited_on() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("family");
    let f = folder.to_str().unwrap();
    let (parent, teen) = (device(), device());
    ok(&parent, &["family", "create", "--folder", f, "--name", "Home", "--member", "parent"]);
    join(&teen, &folder, "teen", &fingerprint(&status(&parent)));
    ok(&parent, &["family", "add", "instagram", "--daily", "30m"]);
    ok(&teen, &["family", "sync"]);
    let (p, t) = (short(&status(&parent)), short(&status(&teen)));
    let sync = |s: &Sandbox| {
        let mut cmd = s.command();
        cmd.env("MAST_FAMILY_PASSPHRASE", PASS).env("TZ", "UTC").args(["family", "sync", "--json"]);
        let out = crate::util::promptly(cmd);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };

    let mut names: Vec<String> = vec!["family.json".into()];
    names.extend(DEVICE_FILES.iter().map(|file| format!("devices/{t}/{file}")));
    for name in &names {
        let path = folder.join(name);
        let kept = fs::read(&path).unwrap();
        crate::util::mkfifo(&path);
        let v = sync(&parent);
        let found = problems(&v);
        assert!(found.iter().any(|p| p.contains(name.as_str()) && p.contains("FIFO")), "{name}: {found:?}");
        // The rest of the folder was read: the family's goal is there.
        assert_eq!(goal_set(&v).len(), 1, "{name}");
        fs::remove_file(&path).unwrap();
        fs::write(&path, kept).unwrap();
    }
    assert!(problems(&sync(&parent)).is_empty());

    // The device's own files: written again as files.
    for file in DEVICE_FILES {
        let path = folder.join("devices").join(&p).join(file);
        crate::util::mkfifo(&path);
        sync(&parent);
        assert!(is_real_file(&path), "{file} written again");
    }
    assert!(problems(&sync(&teen)).is_empty(), "the teen reads the parent's files again");

    // The family's lock in the data dir.
    let lock = parent.data_dir().join("family.lock");
    crate::util::mkfifo(&lock);
    let mut cmd = parent.command();
    cmd.env("MAST_FAMILY_PASSPHRASE", PASS).args(["family", "sync"]);
    let out = crate::util::promptly(cmd);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("family.lock is a FIFO"));
}

/// `mast ARGS` at a terminal (util-linux's `script` gives it one), typing `answer`: whether
/// it succeeded, and what it wrote to the terminal.
fn at_terminal(s: &Sandbox, args: &[&str], answer: &str) -> (bool, String) {
    use std::io::Write;
    let line: Vec<String> =
        std::iter::once(crate::util::MAST).chain(args.iter().copied()).map(|a| format!("'{a}'")).collect();
    let mut child = std::process::Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .env("MAST_DATA_DIR", s.data_dir())
        .env("MAST_CONFIG_DIR", s.config_dir())
        .env("MAST_FAMILY_PASSPHRASE", PASS)
        .env("TZ", "UTC")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("util-linux's script runs");
    child.stdin.take().unwrap().write_all(answer.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Trust on first join: a joining device trusted whatever `family.json` it found, so a member
/// who knows the passphrase could replace it with one naming themselves creator before a new
/// device joined. The joiner now confirms the family's fingerprint, and the devices already in
/// the family refuse a replaced `family.json` and report it, going on with the one they joined.
#[test]
fn a_joiner_confirms_the_fingerprint_and_a_replaced_family_json_is_refused_and_reported() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("family");
    let f = folder.to_str().unwrap();
    let (parent, teen) = (device(), device());
    let out = ok(&parent, &["family", "create", "--folder", f, "--name", "Home", "--member", "parent"]);
    let code = fingerprint(&status(&parent));
    assert!(out.contains(&format!("Its fingerprint is {code}: tell joining members this code")), "{out}");
    assert!(out.contains(&format!("--fingerprint {code}")), "{out}");
    let no_family = |s: &Sandbox| !LocalState::path_in(&s.data_dir()).exists();
    let devices = || fs::read_dir(folder.join("devices")).unwrap().count();

    // A script that does not give the code is refused, told how to get it; nothing is written.
    let e = refused(&teen, &["family", "join", "--folder", f, "--member", "teen"]);
    assert!(
        e.contains("confirm the family's fingerprint") && e.contains("ask a member to run `mast family status`"),
        "{e}"
    );
    // A wrong code and a code that cannot be one are refused too.
    let mut wrong: Vec<char> = code.chars().collect();
    wrong[0] = if wrong[0] == '7' { '8' } else { '7' };
    let wrong: String = wrong.into_iter().collect();
    let e = refused(&teen, &["family", "join", "--folder", f, "--member", "teen", "--fingerprint", &wrong]);
    assert!(e.contains(&format!("does not have the fingerprint {wrong}")) && e.contains("Nothing was written"), "{e}");
    let e = refused(&teen, &["family", "join", "--folder", f, "--member", "teen", "--fingerprint", "7KQ2"]);
    assert!(e.contains("'7KQ2' is not a family fingerprint"), "{e}");
    assert!(no_family(&teen));
    assert_eq!(devices(), 1, "only the creator's device");

    // At a terminal the joiner is shown the folder's code and confirms it; a no joins nothing.
    let join_here = ["family", "join", "--folder", f, "--member", "teen"];
    let (joined, screen) = at_terminal(&teen, &join_here, "n\n");
    assert!(!joined && screen.contains(&format!("has the fingerprint {code}")), "{screen}");
    assert!(screen.contains("not confirmed; nothing was written"), "{screen}");
    assert!(no_family(&teen));
    let (joined, screen) = at_terminal(&teen, &join_here, "y\n");
    assert!(joined && screen.contains("Joined the family 'Home' as teen"), "{screen}");

    // Every device shows the same code, in words and in JSON; a code typed in lower case
    // without dashes is the same code.
    let carer = device();
    join(&carer, &folder, "carer", &code.to_lowercase().replace('-', " "));
    for s in [&teen, &carer] {
        assert_eq!(fingerprint(&status(s)), code);
        let text = ok(s, &["family", "status"]);
        assert!(text.contains(&format!("Fingerprint {code}: tell joining members this code")), "{text}");
    }
    ok(&parent, &["family", "add", "instagram", "--daily", "30m"]);
    let goals = goal_set(&status(&teen));
    assert_eq!(goals.len(), 1);

    // The teen, who knows the passphrase, forges a family.json naming their own device as
    // creator, and writes a goal into it as its creator.
    let (_, teen_key, _) = secrets(&teen);
    let cheap = KdfParams { memory_kib: 8 * 1024, passes: 1, lanes: 1 };
    let (forged_key, forged) = FamilyKey::create(PASS, cheap, &teen_key.public()).unwrap();
    let forged_code = forged.fingerprint();
    fs::write(folder.join("family.json"), serde_json::to_string_pretty(&forged).unwrap()).unwrap();
    let spec = SharedGoal {
        target: GoalTarget::Platform("instagram".into()),
        kind: GoalKind::DailyLimit { limit_secs: 24 * 3600 },
        weekdays: Weekdays::ALL,
        members: vec![],
    };
    let change = serde_json::to_string(&Change {
        seq: 1,
        clock: 9,
        at_ms: 0,
        op: Op::PutGoal { goal: "g-0000beef".into(), spec },
    })
    .unwrap();
    let forger = DeviceKey::generate();
    let name = format!("devices/{}/changes.mast", short_id(&forger.public()));
    let log =
        ChangeLog { key: forger.public(), version: 1, changes: vec![forger.sign_change(forged_key.family(), &change)] };
    fs::create_dir_all(folder.join(&name).parent().unwrap()).unwrap();
    fs::write(folder.join(&name), seal(&forged_key, &forger, &name, &log)).unwrap();

    // The devices in the family refuse it and say so, and go on with the family they joined.
    let replaced = format!(
        "it was replaced: its fingerprint is now {forged_code}, and this device joined the family with the fingerprint \
         {code}. Someone with access to the folder changed it"
    );
    for s in [&parent, &teen, &carer] {
        let v = status(s);
        assert!(problems(&v).iter().any(|p| p.contains("family.json") && p.contains(&replaced)), "{:?}", problems(&v));
        assert!(problems(&v).iter().any(|p| p.contains(&name) && p.contains("another family")), "{:?}", problems(&v));
        assert_eq!(fingerprint(&v), code);
        assert_eq!(goal_set(&v), goals, "the forged family's goal is not taken in");
        assert_eq!(secrets(s).2.header.fingerprint(), code, "the pinned header is kept");
    }
    let out = ok(&carer, &["family", "sync"]);
    assert!(out.contains(&format!("family.json: {replaced}")), "{out}");
    // The family goes on: a goal the parent adds reaches the others.
    ok(&parent, &["family", "add", "tiktok", "--daily", "10m"]);
    assert_eq!(goal_set(&status(&teen)).len(), 2);

    // A new device told the family's real code does not join the forged family.
    let newcomer = device();
    let e = refused(&newcomer, &["family", "join", "--folder", f, "--member", "newcomer", "--fingerprint", &code]);
    assert!(e.contains(&format!("does not have the fingerprint {code}")), "{e}");
    assert!(no_family(&newcomer));
}
