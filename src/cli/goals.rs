//! `mast goals` (being written).

use super::Env;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct GoalsArgs {}

pub fn run(_env: &Env, _args: GoalsArgs) -> Result<()> {
    anyhow::bail!("not built yet")
}
