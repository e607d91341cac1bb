//! Local days. (Being written.)
