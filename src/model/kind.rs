//! The three kinds of residential compound (小区类型) the essay distinguishes: one enum, its
//! scenario section name, its labels. Per-kind arrays are indexed with [`CompoundKind::index`].

/// A kind of residential compound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum CompoundKind {
    /// New commodity estate (新建商品房小区).
    NewEstate = 0,
    /// Old compound (老旧小区).
    OldCompound = 1,
    /// Resettlement estate (拆迁安置小区).
    Resettlement = 2,
}

impl CompoundKind {
    /// Number of kinds: the length of every per-kind array.
    pub const COUNT: usize = 3;
    /// Every kind, in index order.
    pub const ALL: [CompoundKind; Self::COUNT] = [
        CompoundKind::NewEstate,
        CompoundKind::OldCompound,
        CompoundKind::Resettlement,
    ];

    /// Position in per-kind arrays.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Snake-case key: the scenario section, CSV value and metric suffix.
    pub const fn key(self) -> &'static str {
        match self {
            CompoundKind::NewEstate => "new_estate",
            CompoundKind::OldCompound => "old_compound",
            CompoundKind::Resettlement => "resettlement",
        }
    }

    /// The kind whose [`key`](Self::key) is `key`.
    pub fn from_key(key: &str) -> Option<CompoundKind> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// English label for plots and reports.
    pub const fn label(self) -> &'static str {
        match self {
            CompoundKind::NewEstate => "new estates",
            CompoundKind::OldCompound => "old compounds",
            CompoundKind::Resettlement => "resettlement compounds",
        }
    }

    /// The term of Chinese policy texts.
    pub const fn zh(self) -> &'static str {
        match self {
            CompoundKind::NewEstate => "新建商品房小区",
            CompoundKind::OldCompound => "老旧小区",
            CompoundKind::Resettlement => "拆迁安置小区",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_indices_are_positions() {
        for (i, k) in CompoundKind::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(CompoundKind::from_key(k.key()), Some(k));
        }
        assert_eq!(CompoundKind::from_key("villa"), None);
    }
}
