//! Where requests go: marketplaces, regions, countries and environments.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::error::ConfigError;

/// One of Amazon Business's three regional API hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// North America: United States, Canada, Mexico.
    NorthAmerica,
    /// Europe (and India): United Kingdom, Germany, France, Spain, Italy, India.
    Europe,
    /// Far East: Japan, Australia.
    FarEast,
}

impl Region {
    /// The production API host of this region.
    pub fn production_url(self) -> &'static str {
        match self {
            Region::NorthAmerica => "https://na.business-api.amazon.com",
            Region::Europe => "https://eu.business-api.amazon.com",
            Region::FarEast => "https://jp.business-api.amazon.com",
        }
    }

    /// The static-sandbox API host of this region.
    pub fn sandbox_url(self) -> &'static str {
        match self {
            Region::NorthAmerica => "https://sandbox.na.business-api.amazon.com",
            Region::Europe => "https://sandbox.eu.business-api.amazon.com",
            Region::FarEast => "https://sandbox.jp.business-api.amazon.com",
        }
    }

    /// Short code: `na`, `eu` or `fe`.
    pub fn code(self) -> &'static str {
        match self {
            Region::NorthAmerica => "na",
            Region::Europe => "eu",
            Region::FarEast => "fe",
        }
    }
}

/// A country as the Amazon Business APIs spell it in `region`, `productRegion` and similar
/// parameters. The United Kingdom is [`Country::GB`] in Rust and travels as `UK` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Country {
    /// United States.
    US,
    /// Canada.
    CA,
    /// Mexico.
    MX,
    /// United Kingdom (sent as `UK`).
    GB,
    /// Germany.
    DE,
    /// France.
    FR,
    /// Spain.
    ES,
    /// Italy.
    IT,
    /// India.
    IN,
    /// Australia.
    AU,
    /// Japan.
    JP,
}

impl Country {
    /// Every country the APIs know.
    pub const ALL: [Country; 11] = [
        Country::US,
        Country::CA,
        Country::MX,
        Country::GB,
        Country::DE,
        Country::FR,
        Country::ES,
        Country::IT,
        Country::IN,
        Country::AU,
        Country::JP,
    ];

    /// The spelling the APIs use (`UK` for the United Kingdom).
    pub fn as_api_str(self) -> &'static str {
        match self {
            Country::US => "US",
            Country::CA => "CA",
            Country::MX => "MX",
            Country::GB => "UK",
            Country::DE => "DE",
            Country::FR => "FR",
            Country::ES => "ES",
            Country::IT => "IT",
            Country::IN => "IN",
            Country::AU => "AU",
            Country::JP => "JP",
        }
    }

    /// The ISO 3166-1 alpha-2 code (`GB` for the United Kingdom).
    pub fn iso_code(self) -> &'static str {
        match self {
            Country::GB => "GB",
            other => other.as_api_str(),
        }
    }

    /// The marketplace that sells in this country.
    pub fn marketplace(self) -> Marketplace {
        Marketplace::ALL.into_iter().find(|m| m.country() == self).expect("every country has a marketplace")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_api_str())
    }
}

impl FromStr for Country {
    type Err = ConfigError;

    /// Accepts the API spelling and the ISO code, in any case (`UK` and `GB` both work).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        if upper == "GB" {
            return Ok(Country::GB);
        }
        Country::ALL.into_iter().find(|c| c.as_api_str() == upper).ok_or_else(|| {
            ConfigError::new(
                "country",
                format!(
                    "unknown country {s:?}; expected one of {}",
                    Country::ALL.map(|c| c.as_api_str()).join(", ")
                ),
            )
        })
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_api_str())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A country code as a response carries it: one the SDK knows, or any other code kept exactly
/// as Amazon sent it (a marketplace opened after this SDK was released), so that a new
/// country never fails a whole response and is written back unchanged.
///
/// Only the exact API spelling (`UK`, `US`…) reads as [`CountryCode::Known`]; anything else,
/// `GB` included, is [`CountryCode::Unknown`] and travels back as it came. Configuration input
/// stays strict: [`Country`]'s `FromStr` refuses codes it does not know.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CountryCode {
    /// A country the SDK knows.
    Known(Country),
    /// Any other code, exactly as received.
    Unknown(String),
}

impl CountryCode {
    /// Reads a wire spelling; only the exact API spelling of a known country is `Known`.
    pub fn from_wire(s: &str) -> Self {
        match Country::ALL.into_iter().find(|c| c.as_api_str() == s) {
            Some(c) => CountryCode::Known(c),
            None => CountryCode::Unknown(s.to_owned()),
        }
    }

    /// The code as it travels (`UK` for the United Kingdom).
    pub fn as_str(&self) -> &str {
        match self {
            CountryCode::Known(c) => c.as_api_str(),
            CountryCode::Unknown(s) => s,
        }
    }

    /// The country, when the SDK knows it.
    pub fn country(&self) -> Option<Country> {
        match self {
            CountryCode::Known(c) => Some(*c),
            CountryCode::Unknown(_) => None,
        }
    }
}

impl From<Country> for CountryCode {
    fn from(c: Country) -> Self {
        CountryCode::Known(c)
    }
}

impl PartialEq<Country> for CountryCode {
    fn eq(&self, other: &Country) -> bool {
        self.country() == Some(*other)
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(CountryCode::from_wire(&s))
    }
}

/// An Amazon Business marketplace: a country's store, its currency and its regional host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Marketplace {
    /// amazon.com
    UnitedStates,
    /// amazon.ca
    Canada,
    /// amazon.com.mx
    Mexico,
    /// amazon.co.uk
    UnitedKingdom,
    /// amazon.de
    Germany,
    /// amazon.fr
    France,
    /// amazon.es
    Spain,
    /// amazon.it
    Italy,
    /// amazon.in
    India,
    /// amazon.com.au
    Australia,
    /// amazon.co.jp
    Japan,
}

struct MarketplaceInfo {
    id: &'static str,
    region: Region,
    country: Country,
    currency: &'static str,
    domain: &'static str,
}

impl Marketplace {
    /// All eleven marketplaces.
    pub const ALL: [Marketplace; 11] = [
        Marketplace::UnitedStates,
        Marketplace::Canada,
        Marketplace::Mexico,
        Marketplace::UnitedKingdom,
        Marketplace::Germany,
        Marketplace::France,
        Marketplace::Spain,
        Marketplace::Italy,
        Marketplace::India,
        Marketplace::Australia,
        Marketplace::Japan,
    ];

    fn info(self) -> MarketplaceInfo {
        use Country as C;
        use Region::*;
        let (id, region, country, currency, domain) = match self {
            Marketplace::UnitedStates => ("ATVPDKIKX0DER", NorthAmerica, C::US, "USD", "amazon.com"),
            Marketplace::Canada => ("A2EUQ1WTGCTBG2", NorthAmerica, C::CA, "CAD", "amazon.ca"),
            Marketplace::Mexico => ("A1AM78C64UM0Y8", NorthAmerica, C::MX, "MXN", "amazon.com.mx"),
            Marketplace::UnitedKingdom => ("A1F83G8C2ARO7P", Europe, C::GB, "GBP", "amazon.co.uk"),
            Marketplace::Germany => ("A1PA6795UKMFR9", Europe, C::DE, "EUR", "amazon.de"),
            Marketplace::France => ("A13V1IB3VIYZZH", Europe, C::FR, "EUR", "amazon.fr"),
            Marketplace::Spain => ("A1RKKUPIHCS9HS", Europe, C::ES, "EUR", "amazon.es"),
            Marketplace::Italy => ("APJ6JRA9NG5V4", Europe, C::IT, "EUR", "amazon.it"),
            Marketplace::India => ("A21TJRUUN4KGV", Europe, C::IN, "INR", "amazon.in"),
            Marketplace::Australia => ("A39IBJ37TRP1C6", FarEast, C::AU, "AUD", "amazon.com.au"),
            Marketplace::Japan => ("A1VC38T7YXB528", FarEast, C::JP, "JPY", "amazon.co.jp"),
        };
        MarketplaceInfo { id, region, country, currency, domain }
    }

    /// Amazon's marketplace ID, e.g. `ATVPDKIKX0DER`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The regional host that serves this marketplace.
    pub fn region(self) -> Region {
        self.info().region
    }

    /// The marketplace's country.
    pub fn country(self) -> Country {
        self.info().country
    }

    /// ISO 4217 currency code.
    pub fn currency(self) -> &'static str {
        self.info().currency
    }

    /// The store's domain, e.g. `amazon.co.uk`.
    pub fn domain(self) -> &'static str {
        self.info().domain
    }

    /// Looks a marketplace up by its Amazon ID. The error lists the valid IDs.
    pub fn from_id(id: &str) -> Result<Marketplace, ConfigError> {
        let id = id.trim();
        Marketplace::ALL.into_iter().find(|m| m.id() == id).ok_or_else(|| {
            ConfigError::new(
                "marketplace",
                format!(
                    "unknown marketplace ID {id:?}; valid IDs are {}",
                    Marketplace::ALL.map(|m| format!("{} ({})", m.id(), m.country().iso_code())).join(", ")
                ),
            )
        })
    }

    /// Looks a marketplace up by its country.
    pub fn from_country(country: Country) -> Marketplace {
        country.marketplace()
    }
}

impl FromStr for Marketplace {
    type Err = ConfigError;

    /// Accepts a marketplace ID (`ATVPDKIKX0DER`) or a country code (`US`, `UK`, `GB`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(m) = Marketplace::from_id(s) {
            return Ok(m);
        }
        match s.parse::<Country>() {
            Ok(c) => Ok(c.marketplace()),
            Err(_) => Marketplace::from_id(s),
        }
    }
}

impl fmt::Display for Marketplace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.id())
    }
}

/// Which servers a client talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// Amazon's production API for the marketplace's region.
    Production,
    /// Amazon's static sandbox for the marketplace's region.
    Sandbox,
    /// Any server that speaks the same protocol: the local emulator, a recorder, a proxy.
    Custom {
        /// Base URL of the API, e.g. `http://127.0.0.1:8080`.
        api: Url,
        /// Full URL of the LWA token endpoint, e.g. `http://127.0.0.1:8080/auth/o2/token`.
        lwa: Url,
    },
}

/// Amazon's Login with Amazon token endpoint, used by production and sandbox alike.
pub const LWA_TOKEN_URL: &str = "https://api.amazon.com/auth/o2/token";

impl Environment {
    /// A custom environment. Both URLs must be `https`, except on a loopback host
    /// (`127.0.0.0/8`, `::1`, `localhost`), where plain `http` is allowed for tests.
    pub fn custom(api: &str, lwa: &str) -> Result<Environment, ConfigError> {
        let api = parse_endpoint("endpoint", api)?;
        let lwa = parse_endpoint("lwa_endpoint", lwa)?;
        Ok(Environment::Custom { api, lwa })
    }

    /// The API base URL for a marketplace in this environment.
    pub fn api_base(&self, marketplace: Marketplace) -> Url {
        match self {
            Environment::Production => Url::parse(marketplace.region().production_url()),
            Environment::Sandbox => Url::parse(marketplace.region().sandbox_url()),
            Environment::Custom { api, .. } => return api.clone(),
        }
        .expect("built-in hosts are valid URLs")
    }

    /// The LWA token endpoint in this environment.
    pub fn lwa_url(&self) -> Url {
        match self {
            Environment::Custom { lwa, .. } => lwa.clone(),
            _ => Url::parse(LWA_TOKEN_URL).expect("built-in LWA URL is valid"),
        }
    }

    /// True for [`Environment::Sandbox`].
    pub fn is_sandbox(&self) -> bool {
        matches!(self, Environment::Sandbox)
    }
}

fn parse_endpoint(field: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw.trim()).map_err(|e| {
        ConfigError::new(
            field,
            format!("{raw:?} is not a valid URL ({e}); expected e.g. https://host or http://127.0.0.1:PORT"),
        )
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ConfigError::new(
            field,
            format!("{raw:?} uses plain http on a non-loopback host; use https (http is allowed only for 127.0.0.1, ::1 and localhost)"),
        )),
        other => Err(ConfigError::new(field, format!("{raw:?} has scheme {other:?}; use https"))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marketplace_table() {
        let rows: Vec<_> = Marketplace::ALL
            .iter()
            .map(|m| (m.id(), m.region().code(), m.country().as_api_str(), m.currency(), m.domain()))
            .collect();
        assert_eq!(
            rows,
            [
                ("ATVPDKIKX0DER", "na", "US", "USD", "amazon.com"),
                ("A2EUQ1WTGCTBG2", "na", "CA", "CAD", "amazon.ca"),
                ("A1AM78C64UM0Y8", "na", "MX", "MXN", "amazon.com.mx"),
                ("A1F83G8C2ARO7P", "eu", "UK", "GBP", "amazon.co.uk"),
                ("A1PA6795UKMFR9", "eu", "DE", "EUR", "amazon.de"),
                ("A13V1IB3VIYZZH", "eu", "FR", "EUR", "amazon.fr"),
                ("A1RKKUPIHCS9HS", "eu", "ES", "EUR", "amazon.es"),
                ("APJ6JRA9NG5V4", "eu", "IT", "EUR", "amazon.it"),
                ("A21TJRUUN4KGV", "eu", "IN", "INR", "amazon.in"),
                ("A39IBJ37TRP1C6", "fe", "AU", "AUD", "amazon.com.au"),
                ("A1VC38T7YXB528", "fe", "JP", "JPY", "amazon.co.jp"),
            ]
        );
        for m in Marketplace::ALL {
            assert_eq!(Marketplace::from_id(m.id()).unwrap(), m);
            assert_eq!(Marketplace::from_country(m.country()), m);
        }
    }

    #[test]
    fn hosts_follow_the_region() {
        assert_eq!(
            Environment::Production.api_base(Marketplace::Japan).as_str(),
            "https://jp.business-api.amazon.com/"
        );
        assert_eq!(
            Environment::Sandbox.api_base(Marketplace::Germany).as_str(),
            "https://sandbox.eu.business-api.amazon.com/"
        );
        assert_eq!(Environment::Sandbox.lwa_url().as_str(), LWA_TOKEN_URL);
    }

    #[test]
    fn unknown_marketplace_lists_valid_ids() {
        let err = Marketplace::from_id("NOPE").unwrap_err().to_string();
        assert!(err.contains("NOPE"), "{err}");
        assert!(err.contains("ATVPDKIKX0DER (US)"), "{err}");
        assert!(err.contains("A1VC38T7YXB528 (JP)"), "{err}");
    }

    #[test]
    fn uk_travels_as_uk() {
        assert_eq!(serde_json::to_string(&Country::GB).unwrap(), "\"UK\"");
        assert_eq!(serde_json::from_str::<Country>("\"UK\"").unwrap(), Country::GB);
        assert_eq!("gb".parse::<Country>().unwrap(), Country::GB);
        assert_eq!("UK".parse::<Marketplace>().unwrap(), Marketplace::UnitedKingdom);
        assert!(serde_json::from_str::<Country>("\"ZZ\"").is_err());
    }

    #[test]
    fn response_country_codes_keep_unknown_values() {
        for raw in ["NL", "GB", "uk", ""] {
            let code: CountryCode = serde_json::from_str(&format!("{raw:?}")).unwrap();
            assert_eq!(code, CountryCode::Unknown(raw.to_owned()));
            assert_eq!(serde_json::to_string(&code).unwrap(), format!("{raw:?}"));
        }
        for c in Country::ALL {
            let code: CountryCode = serde_json::from_str(&format!("{:?}", c.as_api_str())).unwrap();
            assert_eq!(code, c);
            assert_eq!(code.to_string(), c.as_api_str());
        }
    }

    #[test]
    fn custom_endpoints_must_be_https_unless_loopback() {
        assert!(Environment::custom("http://127.0.0.1:9000", "http://localhost:9000/t").is_ok());
        assert!(Environment::custom("http://[::1]:9000", "https://example.com/t").is_ok());
        let err = Environment::custom("http://example.com", "https://example.com/t").unwrap_err();
        assert!(err.to_string().contains("plain http"), "{err}");
        assert!(Environment::custom("ftp://127.0.0.1", "https://x/t").is_err());
        assert!(Environment::custom("not a url", "https://x/t").is_err());
    }
}
