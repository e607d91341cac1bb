//! `mast rules`: what the classification rules make of a window, and which platforms they
//! know.

use super::{print_json, Env};
use anyhow::Result;
use mast::classify::WindowRef;

pub fn test(env: &Env, app: &str, exe: Option<&str>, title: &str, url: Option<&str>, json: bool) -> Result<()> {
    let explanation = env.rules.explain(WindowRef { app, exe, title, url });
    if json {
        return print_json(&explanation);
    }
    let v = &explanation.verdict;
    match (&v.platform, v.category) {
        (Some(p), Some(c)) => outln!("{p} ({c}) by rule {}", v.rule.as_deref().unwrap_or("?")),
        _ => outln!("not a tracked platform"),
    }
    if v.private {
        outln!("private window: its title is never stored");
    }
    for step in &explanation.steps {
        outln!("  - {step}");
    }
    Ok(())
}

pub fn list(env: &Env, json: bool) -> Result<()> {
    let platforms = env.rules.platforms();
    if json {
        return print_json(&platforms);
    }
    for p in platforms {
        outln!("{:<12}{:<11}{}", p.id, p.category.as_str(), p.name);
    }
    outln!("\nOverride or extend them in {}", env.paths.rules_file().display());
    Ok(())
}
