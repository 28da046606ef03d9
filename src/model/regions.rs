//! The built-in table of Azure regions (location name, display name, short code used in names
//! by `{region}`, and the cloud each belongs to), lookup and "did you mean". Must not do I/O or
//! call Azure.
//!
//! Short codes are kvinit's convention (2–4 lower-case characters, unique, stable — changing one
//! renames vaults, so never change an existing code): the common abbreviation of the region's
//! display name, e.g. `westeurope` → `weu`, `northeurope` → `neu`, `eastus2` → `eus2`.
//! Location names are ARM's (`az account list-locations --query "[].name"`, run in each cloud),
//! physical regions only (no logical/geography entries, no EUAP canary regions): the public
//! cloud, Azure Government (`usgov*`, `usdod*`) and Azure operated by 21Vianet (`china*`). A plan
//! targets one cloud: validation requires all of its regions to share [`Region::cloud`].
//! Sources: "Azure Government regions" (learn.microsoft.com/azure/azure-government/documentation-government-overview-dod
//! and compare-azure-government-global-azure), "Azure China regions" (learn.microsoft.com/azure/china/resources-developer-guide).

/// The Azure cloud (sovereign or public) a region belongs to. Each has its own ARM endpoint and
/// Microsoft Entra authority, so one plan cannot mix them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cloud {
    /// Azure public cloud (`management.azure.com`).
    Public,
    /// Azure Government (`management.usgovcloudapi.net`).
    UsGovernment,
    /// Azure operated by 21Vianet in China (`management.chinacloudapi.cn`).
    China,
}

impl Cloud {
    /// Human name, e.g. `Azure Government`.
    pub fn display_name(self) -> &'static str {
        match self {
            Cloud::Public => "the Azure public cloud",
            Cloud::UsGovernment => "Azure Government",
            Cloud::China => "Azure China (21Vianet)",
        }
    }

    /// The cloud's ARM endpoint (no trailing slash). Source: `az cloud show --name
    /// AzureCloud|AzureUSGovernment|AzureChinaCloud --query endpoints.resourceManager`.
    pub fn arm_endpoint(self) -> &'static str {
        match self {
            Cloud::Public => "https://management.azure.com",
            Cloud::UsGovernment => "https://management.usgovcloudapi.net",
            Cloud::China => "https://management.chinacloudapi.cn",
        }
    }

    /// The cloud's Microsoft Entra authority host. Source: `az cloud show … --query
    /// endpoints.activeDirectory` (and azure_identity's `AzureAuthorityHosts`).
    pub fn authority_host(self) -> &'static str {
        match self {
            Cloud::Public => "https://login.microsoftonline.com",
            Cloud::UsGovernment => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The cloud whose ARM endpoint `endpoint` is (a trailing `/` ignored), if any.
    pub fn of_arm_endpoint(endpoint: &str) -> Option<Cloud> {
        [Cloud::Public, Cloud::UsGovernment, Cloud::China]
            .into_iter()
            .find(|c| endpoint.trim_end_matches('/') == c.arm_endpoint())
    }

    /// The cloud of the first of `locations` kvinit knows (ARM location names, any case);
    /// [`Cloud::Public`] when none is known. A validated plan has one cloud for all its
    /// regions, so the first is enough.
    pub fn of_locations<'a>(locations: impl IntoIterator<Item = &'a str>) -> Cloud {
        locations
            .into_iter()
            .find_map(find)
            .map_or(Cloud::Public, |r| r.cloud)
    }
}

use crate::model::names::Invalid;

/// One Azure region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// ARM location name, e.g. `westeurope`.
    pub name: &'static str,
    /// Display name, e.g. `West Europe`.
    pub display_name: &'static str,
    /// kvinit short code used by the `{region}` name token, e.g. `weu`.
    pub code: &'static str,
    /// The cloud the region belongs to.
    pub cloud: Cloud,
}

macro_rules! regions {
    ($(($name:literal, $display:literal, $code:literal $(, $cloud:ident)?)),* $(,)?) => {
        &[$(Region {
            name: $name,
            display_name: $display,
            code: $code,
            cloud: regions!(@cloud $($cloud)?),
        }),*]
    };
    (@cloud) => { Cloud::Public };
    (@cloud $cloud:ident) => { Cloud::$cloud };
}

/// Every Azure region kvinit knows, sorted by location name (public cloud unless marked).
pub const REGIONS: &[Region] = regions![
    ("australiacentral", "Australia Central", "auc"),
    ("australiacentral2", "Australia Central 2", "auc2"),
    ("australiaeast", "Australia East", "aue"),
    ("australiasoutheast", "Australia Southeast", "ause"),
    ("austriaeast", "Austria East", "ate"),
    ("belgiumcentral", "Belgium Central", "bec"),
    ("brazilsouth", "Brazil South", "brs"),
    ("brazilsoutheast", "Brazil Southeast", "brse"),
    ("canadacentral", "Canada Central", "cac"),
    ("canadaeast", "Canada East", "cae"),
    ("centralindia", "Central India", "inc"),
    ("centralus", "Central US", "cus"),
    ("chilecentral", "Chile Central", "clc"),
    ("chinaeast", "China East", "cne", China),
    ("chinaeast2", "China East 2", "cne2", China),
    ("chinaeast3", "China East 3", "cne3", China),
    ("chinanorth", "China North", "cnn", China),
    ("chinanorth2", "China North 2", "cnn2", China),
    ("chinanorth3", "China North 3", "cnn3", China),
    ("denmarkeast", "Denmark East", "dke"),
    ("eastasia", "East Asia", "ea"),
    ("eastus", "East US", "eus"),
    ("eastus2", "East US 2", "eus2"),
    ("francecentral", "France Central", "frc"),
    ("francesouth", "France South", "frs"),
    ("germanynorth", "Germany North", "gno"),
    ("germanywestcentral", "Germany West Central", "gwc"),
    ("indonesiacentral", "Indonesia Central", "idc"),
    ("israelcentral", "Israel Central", "ilc"),
    ("italynorth", "Italy North", "itn"),
    ("japaneast", "Japan East", "jpe"),
    ("japanwest", "Japan West", "jpw"),
    ("jioindiacentral", "Jio India Central", "jic"),
    ("jioindiawest", "Jio India West", "jiw"),
    ("koreacentral", "Korea Central", "krc"),
    ("koreasouth", "Korea South", "krs"),
    ("malaysiawest", "Malaysia West", "myw"),
    ("mexicocentral", "Mexico Central", "mxc"),
    ("newzealandnorth", "New Zealand North", "nzn"),
    ("northcentralus", "North Central US", "ncus"),
    ("northeurope", "North Europe", "neu"),
    ("norwayeast", "Norway East", "noe"),
    ("norwaywest", "Norway West", "now"),
    ("polandcentral", "Poland Central", "plc"),
    ("qatarcentral", "Qatar Central", "qac"),
    ("southafricanorth", "South Africa North", "san"),
    ("southafricawest", "South Africa West", "saw"),
    ("southcentralus", "South Central US", "scus"),
    ("southeastasia", "Southeast Asia", "sea"),
    ("southindia", "South India", "ins"),
    ("spaincentral", "Spain Central", "spc"),
    ("swedencentral", "Sweden Central", "sec"),
    ("swedensouth", "Sweden South", "ses"),
    ("switzerlandnorth", "Switzerland North", "chn"),
    ("switzerlandwest", "Switzerland West", "chw"),
    ("uaecentral", "UAE Central", "uac"),
    ("uaenorth", "UAE North", "uan"),
    ("uksouth", "UK South", "uks"),
    ("ukwest", "UK West", "ukw"),
    ("usdodcentral", "US DoD Central", "udc", UsGovernment),
    ("usdodeast", "US DoD East", "ude", UsGovernment),
    ("usgovarizona", "US Gov Arizona", "uga", UsGovernment),
    ("usgovtexas", "US Gov Texas", "ugt", UsGovernment),
    ("usgovvirginia", "US Gov Virginia", "ugv", UsGovernment),
    ("westcentralus", "West Central US", "wcus"),
    ("westeurope", "West Europe", "weu"),
    ("westindia", "West India", "inw"),
    ("westus", "West US", "wus"),
    ("westus2", "West US 2", "wus2"),
    ("westus3", "West US 3", "wus3"),
];

/// Looks up a region by ARM location name. Case and spaces are ignored, so `West Europe` and
/// `WestEurope` find `westeurope`.
pub fn find(name: &str) -> Option<&'static Region> {
    let key: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    REGIONS.iter().find(|r| r.name == key)
}

/// Looks up a region, or explains that it is unknown and suggests the nearest name
/// (Jaro–Winkler over location names, display names and short codes).
pub fn parse(name: &str) -> Result<&'static Region, Invalid> {
    if let Some(r) = find(name) {
        return Ok(r);
    }
    let err = Invalid::new(format!("unknown Azure region `{name}`"));
    Err(match suggest(name) {
        Some(r) => err.with_hint(format!("did you mean `{}`?", r.name)),
        None => err.with_hint(
            "use an ARM location name such as `westeurope` (see `az account list-locations`)",
        ),
    })
}

/// The nearest known region to `name`, if any is reasonably close.
pub fn suggest(name: &str) -> Option<&'static Region> {
    let key = name.to_ascii_lowercase().replace([' ', '-', '_'], "");
    if let Some(r) = REGIONS.iter().find(|r| r.code == key) {
        return Some(r);
    }
    REGIONS
        .iter()
        .map(|r| {
            let a = strsim::jaro_winkler(&key, r.name);
            let b =
                strsim::jaro_winkler(&key, &r.display_name.to_ascii_lowercase().replace(' ', ""));
            (a.max(b), r)
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        let got = match parse(input) {
            Ok(r) => format!("{} {}", r.name, r.code),
            Err(e) => format!("{} / {}", e.message, e.hint.unwrap_or_default()),
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn lookup_and_suggestions() {
        check("westeurope", "westeurope weu");
        check("northeurope", "northeurope neu");
        check("eastus", "eastus eus");
        check("eastus2", "eastus2 eus2");
        check("West Europe", "westeurope weu");
        check("usgovvirginia", "usgovvirginia ugv");
        check("chinanorth", "chinanorth cnn");
        check("China North 3", "chinanorth3 cnn3");
        assert_eq!(find("usdodeast").unwrap().cloud, Cloud::UsGovernment);
        assert_eq!(find("chinaeast2").unwrap().cloud, Cloud::China);
        assert_eq!(find("westeurope").unwrap().cloud, Cloud::Public);
        assert_eq!(
            Cloud::of_locations(["nowhere", "usgovvirginia"]).arm_endpoint(),
            "https://management.usgovcloudapi.net"
        );
        assert_eq!(
            Cloud::of_locations(["chinanorth3"]).authority_host(),
            "https://login.chinacloudapi.cn"
        );
        assert_eq!(Cloud::of_locations([]), Cloud::Public);
        assert_eq!(
            Cloud::of_arm_endpoint("https://management.chinacloudapi.cn/"),
            Some(Cloud::China)
        );
        assert_eq!(Cloud::of_arm_endpoint("http://127.0.0.1:8443"), None);
        check(
            "westeurop",
            "unknown Azure region `westeurop` / did you mean `westeurope`?",
        );
        check(
            "weu",
            "unknown Azure region `weu` / did you mean `westeurope`?",
        );
        check(
            "mars",
            "unknown Azure region `mars` / use an ARM location name such as `westeurope` (see `az account list-locations`)",
        );
    }

    #[test]
    fn table_is_sorted_and_codes_are_unique() {
        let mut names: Vec<_> = REGIONS.iter().map(|r| r.name).collect();
        let sorted = {
            let mut s = names.clone();
            s.sort();
            s
        };
        assert_eq!(names, sorted);
        names.dedup();
        assert_eq!(names.len(), REGIONS.len());
        let mut codes: Vec<_> = REGIONS.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), REGIONS.len(), "short codes must be unique");
        assert!(REGIONS.iter().all(|r| (2..=4).contains(&r.code.len())));
    }
}
