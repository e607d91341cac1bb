//! `mast mismatch` (being written).

use super::Env;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct MismatchArgs {}

pub fn run(_env: &Env, _args: &MismatchArgs) -> Result<()> {
    anyhow::bail!("not built yet")
}
