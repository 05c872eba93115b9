//! tmux-style object ids, stable for a server's life: `$N` sessions, `@N` windows, `%N` panes.
//!
//! On the wire and in JSON an id is its string form (`"%3"`), as tmux prints it, so scripts can
//! paste it straight back into `-t`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $sigil:literal, $pattern:literal) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The sigil that starts this id's string form.
            pub const SIGIL: char = $sigil;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $sigil, self.0)
            }
        }

        impl FromStr for $name {
            type Err = String;
            /// Parses `"<sigil><digits>"`, e.g. `"%3"`.
            fn from_str(s: &str) -> Result<Self, String> {
                s.strip_prefix($sigil)
                    .and_then(|n| n.parse::<u32>().ok())
                    .map($name)
                    .ok_or_else(|| format!("'{s}' is not a {} id ('{}' followed by digits)", stringify!($name), $sigil))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": concat!("A ", stringify!($name), ": '", $sigil, "' followed by digits."),
                })
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A session id, `$N`.
    SessionId, '$', "^\\$[0-9]+$"
);
id_type!(
    /// A window id, `@N`.
    WindowId, '@', "^@[0-9]+$"
);
id_type!(
    /// A pane id, `%N`.
    PaneId, '%', "^%[0-9]+$"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        assert_eq!("%12".parse::<PaneId>().unwrap(), PaneId(12));
        assert_eq!(WindowId(3).to_string(), "@3");
        assert_eq!(SessionId(0).to_string(), "$0");
        assert!("12".parse::<PaneId>().is_err());
        assert!("%x".parse::<PaneId>().is_err());
        assert!("@1".parse::<PaneId>().is_err());
    }
}
