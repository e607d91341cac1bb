//! Analysis. (Being written.)
