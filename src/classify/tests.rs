//! The classifier against real title formats: every platform's example titles in every
//! browser's title format, negatives, desktop apps, web apps, urls, private windows,
//! overrides, errors, fingerprints and explanations.

use super::*;
use std::path::Path;

/// Page titles each platform sets, as documented in `rules/default.toml`.
const EXAMPLES: &[(&str, &[&str])] = &[
    ("messenger", &["Messenger", "Messenger | Facebook", "Chats | Messenger"]),
    (
        "facebook",
        &[
            "Facebook",
            "Watch | Facebook",
            "Example Studio | Facebook",
            "Facebook - log in or sign up",
            "Log into Facebook",
        ],
    ),
    (
        "instagram",
        &[
            "Instagram",
            "Example Studio (@examplestudio) • Instagram photos and videos",
            "Login • Instagram",
            "Instagram • Chats",
            "Example Studio on Instagram: \"beach day\"",
            "Example Studio on Instagram: “beach day”",
        ],
    ),
    (
        "threads",
        &[
            "Threads",
            "Mark Zuckerberg (@zuck) • Threads, Say more",
            "Home • Threads",
            "The Journal (@thejournal_ie) on Threads",
        ],
    ),
    ("whatsapp", &["WhatsApp", "WhatsApp Web"]),
    (
        "x",
        &[
            "X",
            "Home / X",
            "Example Studio (@examplestudio) / X",
            "Example Studio on X: \"hello\" / X",
            "Elon Musk on X: \"hi\"",
            "Twitter",
            "Home / Twitter",
        ],
    ),
    (
        "tiktok",
        &[
            "TikTok",
            "TikTok - Make Your Day",
            "funny cat #cats | TikTok",
            "Explore - Find your favourite videos on TikTok",
        ],
    ),
    ("youtube", &["YouTube", "Lofi hip hop radio - beats to relax/study to - YouTube"]),
    (
        "reddit",
        &[
            "Reddit - Dive into anything",
            "Reddit - The heart of the internet",
            "Reddit",
            "reddit",
            "reddit: the front page of the internet",
            "Popular - Reddit",
            "Borrow checker help : r/rust",
            "r/rust on Reddit: Borrow checker help",
            "r/learnprogramming",
        ],
    ),
    ("snapchat", &["Snapchat", "Chat | Snapchat"]),
    ("pinterest", &["Pinterest", "Pin by Example Studio on Recipes | Pinterest", "Pin by Example Studio on Recipes"]),
    ("linkedin", &["LinkedIn", "Feed | LinkedIn", "Messaging | LinkedIn", "LinkedIn: Log In or Sign Up"]),
    ("tumblr", &["Tumblr", "Explore | Tumblr"]),
    ("twitch", &["Twitch", "shroud - Twitch", "Following - Twitch"]),
    ("discord", &["Discord", "Discord | #general | Study Group", "• Discord | #general | Study Group"]),
    ("telegram", &["Telegram", "Telegram Web"]),
    ("bluesky", &["Bluesky", "Home — Bluesky", "Jay (@jay.bsky.team) — Bluesky"]),
    ("mastodon", &["Mastodon", "Home - Mastodon"]),
    ("quora", &["Quora", "Home - Quora", "What is the best way to learn Rust? - Quora"]),
    ("9gag", &["9GAG", "9GAG - Best Funny Memes and Breaking News", "When the code works on the first try - 9GAG"]),
    ("kick", &["Kick", "xQc | Kick", "Browse - Kick"]),
];

/// Page titles that mention a platform without being it.
const NEGATIVES: &[(&str, &[&str])] = &[
    ("messenger", &["Messenger RNA vaccines explained - Nature", "Facebook Messenger review"]),
    (
        "facebook",
        &["facebook_api.py · GitHub", "Facebook (company) - Wikipedia", "Why I deleted Facebook | The Guardian"],
    ),
    ("instagram", &["Instagram API docs - Meta for Developers", "Instagram - Wikipedia", "instagram.py"]),
    ("threads", &["Threads in Rust - The Rust Programming Language", "Thread pools explained"]),
    ("whatsapp", &["WhatsApp encryption overview - WhatsApp Help Center", "whatsapp-web.js docs"]),
    ("x", &["X11 forwarding - ArchWiki", "Notes / Xylophone scales", "Home / Xbox", "X-Men - Wikipedia"]),
    ("tiktok", &["TikTok - Wikipedia", "TikTok ban explained - BBC News"]),
    (
        "youtube",
        &[
            "How YouTube's algorithm works - The Verge",
            "youtube-dl/README.md at master · ytdl-org/youtube-dl",
            "Song - YouTube Music",
            "Channel content - YouTube Studio",
            "YouTube - Wikipedia",
        ],
    ),
    ("reddit", &["Reddit IPO: what it means - Reuters", "Why I quit Reddit", "reddit-api crate"]),
    ("snapchat", &["Snapchat - Wikipedia", "Snapchat Spectacles review"]),
    ("pinterest", &["Pinterest earnings Q3 - CNBC"]),
    ("linkedin", &["LinkedIn API docs - Microsoft Learn", "LinkedIn - Wikipedia"]),
    ("tumblr", &["Tumblr - Wikipedia", "The rise and fall of Tumblr"]),
    ("twitch", &["Twitch.tv - Wikipedia", "Twitch API reference"]),
    ("discord", &["discord.py documentation", "Discord - Wikipedia"]),
    ("telegram", &["Telegram Bot API", "Telegram (software) - Wikipedia"]),
    ("bluesky", &["Bluesky - Wikipedia", "bluesky-social/social-app · GitHub"]),
    ("mastodon", &["Mastodon documentation", "Mastodon (band) - Wikipedia"]),
    ("quora", &["Quora - Wikipedia"]),
    ("9gag", &["9GAG - Wikipedia"]),
    ("kick", &["Free kick - Wikipedia", "Kickstarter"]),
];

/// A browser window title format: (browser id, class, title for a page, private?).
struct Format {
    browser: &'static str,
    class: &'static str,
    title: fn(&str) -> String,
    private: bool,
}

fn formats() -> Vec<Format> {
    macro_rules! f {
        ($b:expr, $c:expr, $p:expr, $fmt:expr) => {
            Format { browser: $b, class: $c, title: |p| format!($fmt, p), private: $p }
        };
    }
    vec![
        f!("firefox", "firefox", false, "{} — Mozilla Firefox"),
        f!("firefox", "firefox-esr", false, "{} — Mozilla Firefox"),
        f!("firefox", "Navigator", false, "{} — Mozilla Firefox"),
        f!("firefox", "firefox", true, "{} — Mozilla Firefox Private Browsing"),
        f!("firefox", "firefox", false, "{} — Firefox Nightly"),
        f!("librewolf", "LibreWolf", false, "{} — LibreWolf"),
        f!("librewolf", "librewolf", true, "{} — LibreWolf Private Browsing"),
        f!("floorp", "floorp", false, "{} — Floorp"),
        f!("zen", "zen", false, "{} — Zen Browser"),
        f!("zen", "zen-alpha", false, "{} — Zen Browser"),
        f!("zen", "zen-browser", true, "{} — Zen Browser Private Browsing"),
        f!("chromium", "Chromium", false, "{} - Chromium"),
        f!("chromium", "chromium", false, "{} - Chromium"),
        f!("chromium", "chromium-browser", true, "{} - Chromium (Incognito)"),
        f!("chrome", "Google-chrome", false, "{} - Google Chrome"),
        f!("chrome", "google-chrome", false, "{} - Google Chrome - Work"),
        f!("chrome", "Google-chrome", true, "{} - Google Chrome (Incognito)"),
        f!("chrome", "Google-chrome", true, "{} - Incognito - Google Chrome"),
        f!("brave", "Brave-browser", false, "{} - Brave"),
        f!("brave", "Brave-browser", true, "{} - Brave (Private)"),
        f!("edge", "Microsoft-edge", false, "{} - Microsoft\u{200B} Edge"),
        f!("edge", "Microsoft-edge", false, "{} - Microsoft Edge"),
        f!("edge", "microsoft-edge", false, "{} - Personal - Microsoft\u{200B} Edge"),
        f!("edge", "Microsoft-edge", false, "{} and 3 more pages - Personal - Microsoft\u{200B} Edge"),
        f!("edge", "Microsoft-edge", false, "{} and 1 more page - Microsoft\u{200B} Edge"),
        f!("edge", "Microsoft-edge", true, "{} - InPrivate - Microsoft\u{200B} Edge"),
        f!("edge", "Microsoft-edge", true, "{} - Microsoft\u{200B} Edge (InPrivate)"),
        f!("vivaldi", "Vivaldi-stable", false, "{} - Vivaldi"),
        f!("opera", "Opera", false, "{} - Opera"),
        f!("epiphany", "org.gnome.Epiphany", false, "{}"),
        f!("epiphany", "Epiphany", false, "{}"),
    ]
}

const WEBAPP_CLASSES: &[&str] =
    &["crx_cinhimbnkkaeohfgghhklpknlkffjgod", "FFPWA-01HQ3XK4P5A2", "org.gnome.Epiphany.WebApp_4d1b6a"];

fn rules() -> Rules {
    Rules::builtin()
}

fn win<'a>(app: &'a str, title: &'a str) -> WindowRef<'a> {
    WindowRef { app, exe: None, title, url: None }
}

fn load(text: &str) -> Result<Rules> {
    Rules::load(Some((Path::new("/home/me/.config/mast/rules.toml"), text)))
}

fn load_err(text: &str) -> String {
    match load(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

fn platform_of(r: &Rules, w: WindowRef<'_>) -> Option<String> {
    r.classify(w).platform
}

// ---- the matrix ------------------------------------------------------------------------

#[test]
fn every_example_title_matches_its_platform_in_every_browser() {
    let r = rules();
    let mut checked = 0;
    for f in formats() {
        for (platform, titles) in EXAMPLES {
            for page in *titles {
                for page in [page.to_string(), format!("(3) {page}"), format!("(99+) {page}")] {
                    let title = (f.title)(&page);
                    let v = r.classify(win(f.class, &title));
                    assert_eq!(v.platform.as_deref(), Some(*platform), "{title:?} in {}", f.class);
                    assert_eq!(v.browser.as_deref(), Some(f.browser), "{title:?} in {}", f.class);
                    assert_eq!(v.private, f.private, "{title:?} in {}", f.class);
                    assert_eq!(v.rule.as_deref(), Some(format!("{platform}.title").as_str()));
                    let category = r.platforms().iter().find(|p| p.id == *platform).map(|p| p.category);
                    assert_eq!(v.category, category);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 5000, "{checked}");
}

#[test]
fn no_negative_title_matches_in_any_browser() {
    let r = rules();
    for f in formats() {
        for (_, titles) in NEGATIVES {
            for page in *titles {
                let title = (f.title)(page);
                let v = r.classify(win(f.class, &title));
                assert_eq!(v.platform, None, "{title:?} in {} matched {:?}", f.class, v.rule);
                assert_eq!(v.browser.as_deref(), Some(f.browser));
            }
        }
    }
}

#[test]
fn web_app_windows_match_their_whole_title() {
    let r = rules();
    for class in WEBAPP_CLASSES {
        for (platform, titles) in EXAMPLES {
            for page in *titles {
                let v = r.classify(win(class, page));
                assert_eq!(v.platform.as_deref(), Some(*platform), "{page:?} in {class}");
                assert_eq!(v.browser, None);
                let counted = format!("(7) {page}");
                assert_eq!(platform_of(&r, win(class, &counted)).as_deref(), Some(*platform));
            }
        }
        for (_, titles) in NEGATIVES {
            for page in *titles {
                assert_eq!(platform_of(&r, win(class, page)), None, "{page:?} in {class}");
            }
        }
    }
}

#[test]
fn every_platform_has_examples_and_negatives() {
    let r = rules();
    for p in r.platforms() {
        assert!(EXAMPLES.iter().any(|(id, _)| *id == p.id), "no examples for {}", p.id);
        assert!(NEGATIVES.iter().any(|(id, _)| *id == p.id), "no negatives for {}", p.id);
    }
}

#[test]
fn the_required_platforms_and_categories_are_built_in() {
    let r = rules();
    let want = [
        ("facebook", Category::Social),
        ("messenger", Category::Messaging),
        ("instagram", Category::Social),
        ("threads", Category::Social),
        ("whatsapp", Category::Messaging),
        ("x", Category::Social),
        ("tiktok", Category::Video),
        ("youtube", Category::Video),
        ("reddit", Category::Social),
        ("snapchat", Category::Messaging),
        ("pinterest", Category::Social),
        ("linkedin", Category::Social),
        ("tumblr", Category::Social),
        ("twitch", Category::Video),
        ("discord", Category::Messaging),
        ("telegram", Category::Messaging),
        ("bluesky", Category::Social),
        ("mastodon", Category::Social),
        ("quora", Category::Social),
        ("9gag", Category::Social),
        ("kick", Category::Video),
    ];
    for (id, category) in want {
        let p = r.platforms().iter().find(|p| p.id == id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(p.category, category, "{id}");
    }
    assert_eq!(r.platforms().len(), want.len());
}

// ---- windows that are not browsers --------------------------------------------------------

#[test]
fn desktop_apps_match_by_class_or_executable_ignoring_case() {
    let r = rules();
    let cases = [
        ("discord", None, "discord.app"),
        ("Discord", None, "discord.app"),
        ("vesktop", None, "discord.app"),
        ("TelegramDesktop", None, "telegram.app"),
        ("telegram-desktop", None, "telegram.app"),
        ("whatsapp-for-linux", None, "whatsapp.app"),
        ("ZapZap", None, "whatsapp.app"),
        ("whatsdesk", None, "whatsapp.app"),
        ("Caprine", None, "messenger.app"),
        ("FreeTube", None, "youtube.app"),
        ("org.kde.tokodon", None, "mastodon.app"),
        // An Electron app with an unhelpful class is still known by its executable.
        ("electron", Some("Discord"), "discord.app"),
        ("", Some("telegram-desktop"), "telegram.app"),
    ];
    for (app, exe, rule) in cases {
        let v = r.classify(WindowRef { app, exe, title: "anything at all", url: None });
        assert_eq!(v.rule.as_deref(), Some(rule), "{app} / {exe:?}");
        assert_eq!(v.browser, None);
    }
    let v = r.classify(win("discord", "#general | Friends - Discord"));
    assert_eq!(v.category, Some(Category::Messaging));
    assert_eq!(v.platform.as_deref(), Some("discord"));
}

#[test]
fn titles_of_other_windows_never_match_site_patterns() {
    let r = rules();
    let cases = [
        ("code", "facebook_api.py - proj - Visual Studio Code"),
        ("xterm", "youtube-dl https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        ("Code", "YouTube"),
        ("org.gnome.Nautilus", "Instagram"),
        ("kitty", "Home / X"),
        ("libreoffice-writer", "Reddit - Dive into anything"),
    ];
    for (app, title) in cases {
        let v = r.classify(win(app, title));
        assert_eq!(v, Verdict::default(), "{app}: {title}");
    }
}

#[test]
fn browsers_are_found_by_executable_when_the_class_is_unknown() {
    let r = rules();
    let v = r.classify(WindowRef {
        app: "Google-chrome-custom",
        exe: Some("chrome"),
        title: "Home / X - Google Chrome",
        url: None,
    });
    assert_eq!((v.browser.as_deref(), v.rule.as_deref()), (Some("chrome"), Some("x.title")));
}

#[test]
fn a_browser_window_without_a_page_matches_nothing() {
    let r = rules();
    for title in ["Mozilla Firefox", "", "New Tab - Google Chrome"] {
        let v = r.classify(win("firefox", title));
        assert_eq!(v.platform, None, "{title:?}");
        assert_eq!(v.browser.as_deref(), Some("firefox"));
    }
    let v = r.classify(win("firefox", "Mozilla Firefox Private Browsing"));
    assert!(v.private);
    assert_eq!(v.platform, None);
}

#[test]
fn a_browser_title_without_its_suffix_is_matched_whole() {
    // Chrome web-app windows on X11 keep the browser's class but drop the suffix.
    let r = rules();
    assert_eq!(platform_of(&r, win("Google-chrome", "YouTube")).as_deref(), Some("youtube"));
    assert_eq!(platform_of(&r, win("Google-chrome", "(2) WhatsApp")).as_deref(), Some("whatsapp"));
}

#[test]
fn edge_profile_segments_do_not_turn_other_pages_into_platforms() {
    let r = rules();
    let t = "YouTube - Wikipedia - Personal - Microsoft\u{200B} Edge";
    assert_eq!(platform_of(&r, win("Microsoft-edge", t)), None);
    // The page's own " - " is tried first: a video title ending in a separator survives.
    let t = "Rust in 100 seconds - YouTube - Microsoft Edge";
    assert_eq!(platform_of(&r, win("Microsoft-edge", t)).as_deref(), Some("youtube"));
    // Without a profile name, a bare platform title before another segment is no match…
    assert_eq!(platform_of(&r, win("Microsoft-edge", "Instagram - Wikipedia - Microsoft Edge")), None);
    // …unless the segment is a known profile name; patterns with a `*` match either way.
    assert_eq!(platform_of(&r, win("Microsoft-edge", "YouTube - Work - Microsoft Edge")).as_deref(), Some("youtube"));
    assert_eq!(
        platform_of(&r, win("Microsoft-edge", "YouTube - Profile 2 - Microsoft Edge")).as_deref(),
        Some("youtube")
    );
    assert_eq!(platform_of(&r, win("Microsoft-edge", "YouTube - Travel - Microsoft Edge")), None);
    let t = "Cat video - YouTube - Travel - Microsoft Edge";
    assert_eq!(platform_of(&r, win("Microsoft-edge", t)).as_deref(), Some("youtube"));
}

// ---- urls --------------------------------------------------------------------------------

#[test]
fn url_rules_win_over_title_rules() {
    let r = rules();
    let w = |title, url| WindowRef { app: "firefox", exe: None, title, url: Some(url) };
    let cases = [
        ("Cat - YouTube — Mozilla Firefox", "https://www.youtube.com/shorts/abc123", "youtube.shorts.url"),
        ("Cat - YouTube — Mozilla Firefox", "https://m.youtube.com/shorts/abc123", "youtube.shorts.url"),
        ("Cat - YouTube — Mozilla Firefox", "https://www.youtube.com/watch?v=abc", "youtube.url"),
        ("Cat — Mozilla Firefox", "https://youtu.be/abc", "youtube.url"),
        ("Messenger | Facebook — Mozilla Firefox", "https://www.facebook.com/messages/t/123", "messenger.url"),
        ("Facebook — Mozilla Firefox", "https://www.facebook.com/", "facebook.url"),
        ("Anything — Mozilla Firefox", "https://www.instagram.com/p/xyz/", "instagram.url"),
        ("Anything — Mozilla Firefox", "https://old.reddit.com/r/rust/", "reddit.url"),
        ("Anything — Mozilla Firefox", "https://x.com/home", "x.url"),
        ("Anything — Mozilla Firefox", "https://bsky.app/", "bluesky.url"),
        // A url that names no platform leaves the title rules to decide.
        ("Home - Mastodon — Mozilla Firefox", "https://social.example/home", "mastodon.title"),
    ];
    for (title, url, rule) in cases {
        assert_eq!(r.classify(w(title, url)).rule.as_deref(), Some(rule), "{url}");
    }
    for url in [
        "https://notinstagram.com/",
        "https://instagram.com.evil.example/",
        "about:blank",
        "https://github.com/ytdl-org/youtube-dl",
        "javascript:alert('instagram.com')",
        "data:text/html,<a href=https://www.instagram.com/>",
        "https://user@instagram.com@evil.example/",
    ] {
        assert_eq!(r.classify(w("Anything — Mozilla Firefox", url)).platform, None, "{url}");
    }
}

#[test]
fn urls_classify_any_window_that_has_one() {
    // Imports (ActivityWatch's web watcher) bring urls with windows of unknown class.
    let r = rules();
    let v = r.classify(WindowRef {
        app: "aw-watcher-web",
        exe: None,
        title: "x",
        url: Some("https://www.reddit.com/r/rust/"),
    });
    assert_eq!(v.rule.as_deref(), Some("reddit.url"));
    let v = r.classify(WindowRef { app: "code", exe: None, title: "Home / X", url: Some("https://example.org/") });
    assert_eq!(v.platform, None);
}

// ---- private windows -------------------------------------------------------------------------

#[test]
fn private_windows_are_flagged_and_still_classified() {
    let r = rules();
    let v = r.classify(win("firefox-private", "Home / X — Mozilla Firefox"));
    assert!(v.private);
    assert_eq!(v.platform.as_deref(), Some("x"));
    let v = r.classify(win("Chromium-Incognito", "Home / X - Chromium"));
    assert!(v.private);
    let v = r.classify(win("Brave-browser", "Home / X - Brave (Private Window with Tor)"));
    assert!(v.private);
    assert_eq!(v.platform.as_deref(), Some("x"));
    let v = r.classify(win("Google-chrome", "Home / X - Google Chrome (Guest)"));
    assert!(!v.private);
    assert_eq!(v.platform.as_deref(), Some("x"));
    // A page merely titled "Private Browsing" is not a private window.
    let v = r.classify(win("firefox", "Private Browsing - Wikipedia — Mozilla Firefox"));
    assert!(!v.private);
}

// ---- overrides ---------------------------------------------------------------------------------

#[test]
fn no_user_file_or_an_empty_one_gives_the_builtin_rules() {
    let builtin = rules();
    assert_eq!(Rules::load(None).unwrap().fingerprint(), builtin.fingerprint());
    assert_eq!(load("").unwrap().fingerprint(), builtin.fingerprint());
    assert_eq!(load("# nothing yet\n").unwrap().platforms(), builtin.platforms());
    assert_eq!(Rules::default().fingerprint(), builtin.fingerprint());
}

#[test]
fn a_user_platform_replaces_the_builtin_with_its_id_in_place() {
    let r = load(
        r#"
[[platform]]
id = "youtube"
name = "YouTube (mine)"
category = "video"
titles = ["* - MyTube"]
"#,
    )
    .unwrap();
    assert_eq!(platform_of(&r, win("firefox", "Cat - YouTube — Mozilla Firefox")), None);
    assert_eq!(r.classify(win("firefox", "Cat - MyTube — Mozilla Firefox")).rule.as_deref(), Some("youtube.title"));
    // The shorts variant went with the replaced definition.
    let v = r.classify(WindowRef { app: "firefox", exe: None, title: "x", url: Some("https://youtube.com/shorts/x") });
    assert_eq!(v.platform, None);
    let pos = |r: &Rules| r.platforms().iter().position(|p| p.id == "youtube");
    assert_eq!(pos(&r), pos(&rules()));
    assert_eq!(r.platforms()[pos(&r).unwrap()].name, "YouTube (mine)");
}

#[test]
fn disable_removes_builtins() {
    let r = load("disable = [\"pinterest\", \"epiphany\"]\n").unwrap();
    assert!(r.platforms().iter().all(|p| p.id != "pinterest"));
    assert_eq!(platform_of(&r, win("firefox", "Pinterest — Mozilla Firefox")), None);
    assert_eq!(r.classify(win("Epiphany", "YouTube")).browser, None);
    assert_eq!(r.platforms().len(), rules().platforms().len() - 1);
}

#[test]
fn user_platforms_and_browsers_are_added_and_win_over_builtins() {
    let r = load(
        r#"
[[browser]]
id = "thorium"
name = "Thorium"
apps = ["Thorium"]
separator = " - "
brands = ["Thorium"]
private_markers = ["Incognito"]

[[platform]]
id = "hackernews"
name = "Hacker News"
category = "social"
titles = ["Hacker News", "* | Hacker News"]
urls = ["news.ycombinator.com"]

[[platform]]
id = "ytclips"
category = "video"
titles = ["* - YouTube"]
"#,
    )
    .unwrap();
    assert_eq!(r.platforms()[0].id, "hackernews");
    assert_eq!(r.platforms()[1].name, "ytclips");
    let v = r.classify(win("thorium", "Hacker News - Thorium (Incognito)"));
    assert_eq!((v.platform.as_deref(), v.browser.as_deref(), v.private), (Some("hackernews"), Some("thorium"), true));
    assert_eq!(platform_of(&r, win("firefox", "Cat - YouTube — Mozilla Firefox")).as_deref(), Some("ytclips"));
    assert_eq!(platform_of(&r, win("firefox", "YouTube — Mozilla Firefox")).as_deref(), Some("youtube"));
}

#[test]
fn a_malformed_file_reports_tomls_line_and_column() {
    let e = load_err("disable = [\"x\"\n[[platform]\n");
    assert!(e.contains("/home/me/.config/mast/rules.toml"), "{e}");
    assert!(e.contains("TOML parse error at line"), "{e}");
    assert!(e.contains("column"), "{e}");
    assert!(!e.contains('\n'), "one line: {e}");
    let e = load_err("[[platform]]\nid = \"a\"\ncategory = \"social\"\ntitle = [\"A\"]\n");
    assert!(e.contains("line 4") && e.contains("unknown field `title`"), "{e}");
}

#[test]
fn validation_errors_name_the_entry_and_the_fix() {
    let e = load_err("[[platform]]\nid = \"foo\"\ncategory = \"vidoe\"\ntitles = [\"Foo\"]\n");
    assert!(e.contains("platform 'foo' (line 2)"), "{e}");
    assert!(e.contains("unknown category 'vidoe'") && e.contains("social, video, messaging"), "{e}");

    let e = load_err("[[platform]]\nid = \"foo\"\ncategory = \"social\"\ntitles = [\"\"]\n");
    assert!(e.contains("platform 'foo'") && e.contains("empty pattern"), "{e}");

    let e = load_err("[[platform]]\nid = \"foo\"\ncategory = \"social\"\ntitles = [\"*\"]\n");
    assert!(e.contains("matches every page"), "{e}");

    let e = load_err("[[platform]]\nid = \"foo\"\ncategory = \"social\"\nurls = [\"https://foo.com\"]\n");
    assert!(e.contains("no scheme"), "{e}");

    let dup = "[[platform]]\nid = \"foo\"\ncategory = \"social\"\ntitles = [\"Foo\"]\n";
    let e = load_err(&format!("{dup}{dup}"));
    assert!(
        e.contains("platform 'foo' (line 6) repeats the id of the platform on line 2") && e.contains("rename"),
        "{e}"
    );

    let e = load_err("[[platform]]\nid = \"Foo.Bar\"\ncategory = \"social\"\ntitles = [\"Foo\"]\n");
    assert!(e.contains("lowercase letters"), "{e}");

    let e = load_err("[[platform]]\nid = \"foo\"\ncategory = \"social\"\n");
    assert!(e.contains("no apps, titles or urls"), "{e}");

    let e = load_err("disable = [\"yotube\"]\n");
    assert!(e.contains("'yotube'") && e.contains("youtube"), "{e}");

    let e =
        load_err("disable = [\"youtube\"]\n[[platform]]\nid = \"youtube\"\ncategory = \"video\"\ntitles = [\"Y\"]\n");
    assert!(e.contains("both disabled"), "{e}");

    let e = load_err("[[browser]]\nid = \"b\"\napps = [\"b\"]\nbrands = [\"B\"]\n");
    assert!(e.contains("browser 'b'") && e.contains("separator"), "{e}");

    let e = load_err("[[platform]]\nid = \"foo\"\ncategory = \"social\"\ntitles = [\"F\"]\n[[platform.variant]]\nid = \"url\"\nurls = [\"f.com\"]\n");
    assert!(e.contains("variant 'url'"), "{e}");
}

/// A rules file of `n` platforms, each with a title and a url pattern.
fn many_platforms(n: usize) -> String {
    (0..n)
        .map(|i| format!("[[platform]]\nid = \"p{i}\"\ncategory = \"social\"\ntitles = [\"* - Site {i}\"]\nurls = [\"site{i}.example\"]\n"))
        .collect()
}

/// Regression: loading was quadratic in the file's size (each entry's line was found by
/// counting newlines from the start, each id checked against every earlier one), so a
/// 10 MB file stalled every command for minutes. Now a file over the cap is refused with
/// a message saying the limit; the load time of a large file is `benches/rules.rs`.
#[test]
fn a_rules_file_over_the_caps_is_refused_with_the_limit() {
    let big = format!("# {}\n", "x".repeat(crate::classify::MAX_RULES_FILE_BYTES));
    let e = load_err(&big);
    assert!(e.contains("/home/me/.config/mast/rules.toml") && e.contains("larger than 1 MiB"), "{e}");
    assert!(e.contains("keep only your own rules"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(&path, &big).unwrap();
    let e = Rules::load_file(&path).unwrap_err();
    assert_eq!(e.code(), "rules");
    assert!(e.to_string().contains("larger than 1 MiB"), "{e}");
    std::fs::write(&path, b"# \xff\n").unwrap();
    assert!(Rules::load_file(&path).unwrap_err().to_string().contains("not UTF-8"));
    assert_eq!(Rules::load_file(&dir.path().join("none.toml")).unwrap().fingerprint(), rules().fingerprint());

    let e =
        load_err(&"[[webapp]]\nid = \"w\"\nclass_prefixes = [\"w\"]\n".repeat(crate::classify::MAX_RULES_ENTRIES + 1));
    assert!(e.contains(&format!("defines {} platforms", crate::classify::MAX_RULES_ENTRIES + 1)), "{e}");
    assert!(e.contains(&format!("more than the {}", crate::classify::MAX_RULES_ENTRIES)), "{e}");

    let apps: Vec<String> = (0..=crate::classify::MAX_RULES_PATTERNS).map(|i| format!("\"a{i}\"")).collect();
    let e = load_err(&format!("[[platform]]\nid = \"a\"\ncategory = \"social\"\napps = [{}]\n", apps.join(",")));
    assert!(e.contains(&format!("more than the {}", crate::classify::MAX_RULES_PATTERNS)), "{e}");
}

#[test]
fn a_large_rules_file_loads_with_its_line_numbers_right() {
    let text = many_platforms(8_000);
    assert!(text.len() < crate::classify::MAX_RULES_FILE_BYTES);
    let r = load(&text).unwrap();
    assert_eq!(r.platforms().len(), 8_000 + rules().platforms().len());
    assert_eq!(r.platforms()[7_999].id, "p7999", "the user's platforms come first, in file order");
    let v = r.classify(WindowRef { app: "firefox", exe: None, title: "x", url: Some("https://site7999.example/") });
    assert_eq!(v.rule.as_deref(), Some("p7999.url"));
    // A repeat found at the end of the file names both lines.
    let e = load_err(&format!("{text}[[platform]]\nid = \"p3\"\ncategory = \"social\"\ntitles = [\"T\"]\n"));
    assert!(e.contains("platform 'p3' (line 40002) repeats the id of the platform on line 17"), "{e}");
}

#[test]
fn the_fingerprint_follows_the_effective_rules() {
    let base = rules().fingerprint();
    assert_eq!(base.len(), 16);
    assert!(base.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(rules().fingerprint(), base);
    let add = "[[platform]]\nid = \"hn\"\ncategory = \"social\"\ntitles = [\"Hacker News\"]\n";
    let a = load(add).unwrap().fingerprint();
    assert_ne!(a, base);
    assert_eq!(load(add).unwrap().fingerprint(), a, "stable across loads");
    let b = load(&add.replace("Hacker News", "Hacker News!")).unwrap().fingerprint();
    assert_ne!(a, b, "a changed pattern changes it");
    let c = load("disable = [\"kick\"]\n").unwrap().fingerprint();
    assert_ne!(c, base);
    // Comments and formatting are not rules.
    assert_eq!(load(&format!("# mine\n\n{add}")).unwrap().fingerprint(), a);
}

#[test]
fn fnv1a_is_the_published_function() {
    // Test vectors from the FNV reference: "" and "a".
    assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
}

// ---- explain ---------------------------------------------------------------------------------

#[test]
fn explain_says_why_in_sentences() {
    let r = rules();
    let e = r.explain(win("firefox", "(3) Home / X — Mozilla Firefox"));
    assert_eq!(
        e.steps,
        [
            "window class 'firefox' is the browser Firefox",
            "removed the browser's title suffix ' — Mozilla Firefox'",
            "removed the unread-count prefix '(3) '",
            "page title 'Home / X' matches pattern '* / X' of rule x.title",
        ]
    );
    assert_eq!(e.verdict, r.classify(win("firefox", "(3) Home / X — Mozilla Firefox")));

    let e = r.explain(win("code", "facebook_api.py - proj - Visual Studio Code"));
    assert_eq!(
        e.steps.last().map(String::as_str),
        Some("no rule matched: titles of non-browser windows are never matched against site patterns")
    );

    let e = r.explain(win("discord", "Friends - Discord"));
    assert_eq!(e.steps, ["window class 'discord' is the desktop app of Discord (rule discord.app)"]);

    let e = r.explain(win("Microsoft-edge", "Home / X and 2 more pages - InPrivate - Microsoft\u{200B} Edge"));
    assert!(e.steps.contains(&"'InPrivate' in the title marks a private window".to_string()), "{:?}", e.steps);
    assert!(e.steps.contains(&"removed the tab count ' and 2 more pages'".to_string()), "{:?}", e.steps);

    let e = r.explain(WindowRef {
        app: "firefox",
        exe: None,
        title: "Cat - YouTube — Mozilla Firefox",
        url: Some("https://www.youtube.com/shorts/x"),
    });
    assert!(e.steps.contains(
        &"url 'https://www.youtube.com/shorts/x' matches 'youtube.com/shorts/' of rule youtube.shorts.url".to_string()
    ));

    let e = r.explain(win("firefox", "How YouTube's algorithm works - The Verge — Mozilla Firefox"));
    assert_eq!(
        e.steps.last().map(String::as_str),
        Some("no rule matched: page title 'How YouTube's algorithm works - The Verge' matches no platform's title pattern")
    );

    let e = r.explain(win("crx_abc", "YouTube"));
    assert!(e.steps[0].contains("web app"), "{:?}", e.steps);
}

#[test]
fn explanations_serialise_in_camel_case() {
    let e = rules().explain(win("firefox", "Home / X — Mozilla Firefox Private Browsing"));
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["verdict"]["platform"], "x");
    assert_eq!(json["verdict"]["category"], "social");
    assert_eq!(json["verdict"]["rule"], "x.title");
    assert_eq!(json["verdict"]["private"], true);
    assert_eq!(json["verdict"]["browser"], "firefox");
    assert!(json["steps"].as_array().is_some_and(|s| !s.is_empty()));
    let p = serde_json::to_value(&rules().platforms()[0]).unwrap();
    assert_eq!(
        p,
        serde_json::json!({"id": "messenger", "name": "Messenger", "category": "messaging",
                           "aliases": ["fb messenger", "facebook messenger"]})
    );
}

// ---- speed -------------------------------------------------------------------------------------

/// Not a timed test (budgets are checked by benchmarks): prints the cost per call. Run
/// with `cargo test --release --lib classify::tests::speed -- --ignored --nocapture`.
#[test]
#[ignore = "prints timings; run in release"]
fn speed() {
    let r = rules();
    let windows = [
        win("firefox", "Rust in 100 seconds - YouTube — Mozilla Firefox"),
        win("Google-chrome", "A long article about something else entirely - Example News - Google Chrome"),
        win("code", "facebook_api.py - proj - Visual Studio Code"),
        win("Microsoft-edge", "Home / X and 3 more pages - Personal - Microsoft\u{200B} Edge"),
        win("discord", "Friends - Discord"),
    ];
    for w in windows {
        let n = 200_000;
        let start = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(r.classify(std::hint::black_box(w)));
        }
        println!("{:>6} ns  {} | {}", start.elapsed().as_nanos() / n, w.app, w.title);
    }
}

/// The ids Wayland compositors report (`app_id`), Flatpak ids and the snap desktop ids GNOME
/// gives, for every supported browser: a browser found by its id has its titles read.
#[test]
fn wayland_flatpak_and_snap_ids_of_browsers_are_recognised() {
    let r = rules();
    let cases = [
        ("firefox", "firefox", "Home / X — Mozilla Firefox"),
        ("org.mozilla.firefox", "firefox", "Home / X — Mozilla Firefox"),
        ("firefox_firefox", "firefox", "Home / X — Mozilla Firefox"),
        ("firefox-esr", "firefox", "Home / X — Mozilla Firefox"),
        ("chromium", "chromium", "Home / X - Chromium"),
        ("chromium-browser", "chromium", "Home / X - Chromium"),
        ("org.chromium.Chromium", "chromium", "Home / X - Chromium"),
        ("chromium_chromium", "chromium", "Home / X - Chromium"),
        ("io.github.ungoogled_software.ungoogled_chromium", "chromium", "Home / X - Chromium"),
        ("google-chrome", "chrome", "Home / X - Google Chrome"),
        ("com.google.Chrome", "chrome", "Home / X - Google Chrome"),
        ("brave-browser", "brave", "Home / X - Brave"),
        ("com.brave.Browser", "brave", "Home / X - Brave"),
        ("microsoft-edge", "edge", "Home / X - Microsoft\u{200b} Edge"),
        ("com.microsoft.Edge", "edge", "Home / X - Microsoft\u{200b} Edge"),
        ("vivaldi-stable", "vivaldi", "Home / X - Vivaldi"),
        ("com.vivaldi.Vivaldi", "vivaldi", "Home / X - Vivaldi"),
        ("opera", "opera", "Home / X - Opera"),
        ("com.opera.Opera", "opera", "Home / X - Opera"),
        ("org.gnome.Epiphany", "epiphany", "Home / X"),
        ("io.gitlab.librewolf-community", "librewolf", "Home / X — LibreWolf"),
    ];
    for (app, browser, title) in cases {
        let v = r.classify(win(app, title));
        assert_eq!(v.browser.as_deref(), Some(browser), "{app}");
        assert_eq!(v.platform.as_deref(), Some("x"), "{app}: {title}");
    }
}

/// Desktop apps by their Wayland, Flatpak and snap ids.
#[test]
fn wayland_flatpak_and_snap_ids_of_apps_are_recognised() {
    let r = rules();
    let cases = [
        ("org.telegram.desktop", "telegram"),
        ("telegram-desktop", "telegram"),
        ("telegram-desktop_telegram-desktop", "telegram"),
        ("com.discordapp.Discord", "discord"),
        ("com.discordapp.DiscordCanary", "discord"),
        ("discord_discord", "discord"),
        ("dev.vencord.Vesktop", "discord"),
        ("io.freetubeapp.FreeTube", "youtube"),
        ("com.sindresorhus.Caprine", "messenger"),
        ("com.github.eneshecan.WhatsAppForLinux", "whatsapp"),
        ("com.rtosta.zapzap", "whatsapp"),
        ("dev.geopjr.Tuba", "mastodon"),
        ("org.kde.tokodon", "mastodon"),
    ];
    for (app, platform) in cases {
        assert_eq!(r.classify(win(app, "")).platform.as_deref(), Some(platform), "{app}");
    }
}
