//! `mast rate` (being written).

use super::Env;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct RateArgs {}

pub fn run(_env: &Env, _args: RateArgs) -> Result<()> {
    anyhow::bail!("not built yet")
}
