//! ARM resource ID parsing for the shapes kvinit manages. Pure string handling; it must not
//! validate against Azure (the plan already did).

use super::error::AzureError;

/// A parsed ARM resource ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmId {
    /// The whole ID as given.
    pub id: String,
    /// `subscriptions/{id}` segment value, when present.
    pub subscription_id: Option<String>,
    /// `resourceGroups/{name}` segment value, when present.
    pub resource_group: Option<String>,
    /// The scope an extension resource hangs off (everything before the last `/providers/`);
    /// for a resource group, the subscription scope.
    pub parent: String,
    /// The last segment: the resource's own name.
    pub name: String,
}

impl ArmId {
    /// Parses `id`; fails when it is not an ARM resource ID.
    pub fn parse(id: &str) -> Result<Self, AzureError> {
        let segs: Vec<&str> = id.trim_matches('/').split('/').collect();
        if segs.len() < 2 || !id.starts_with('/') {
            return Err(AzureError::new(
                "InvalidResourceId",
                format!("`{id}` is not an ARM resource ID"),
            ));
        }
        let find = |key: &str| {
            segs.windows(2)
                .find(|w| w[0].eq_ignore_ascii_case(key))
                .map(|w| w[1].to_string())
        };
        let lower = id.to_ascii_lowercase();
        let parent = match lower.rfind("/providers/") {
            Some(i) if i > 0 => id[..i].to_string(),
            _ => match id.rfind('/') {
                Some(i) => id[..i]
                    .rfind('/')
                    .map(|j| id[..j].to_string())
                    .unwrap_or_default(),
                None => String::new(),
            },
        };
        Ok(Self {
            id: id.to_string(),
            subscription_id: find("subscriptions"),
            resource_group: find("resourceGroups"),
            parent,
            name: segs.last().copied().unwrap_or_default().to_string(),
        })
    }

    /// The subscription, or an error naming the ID.
    pub fn subscription(&self) -> Result<&str, AzureError> {
        self.subscription_id
            .as_deref()
            .ok_or_else(|| self.missing("subscription"))
    }

    /// The resource group, or an error naming the ID.
    pub fn group(&self) -> Result<&str, AzureError> {
        self.resource_group
            .as_deref()
            .ok_or_else(|| self.missing("resource group"))
    }

    /// The resource group's own ID (`/subscriptions/{s}/resourceGroups/{rg}`), when it has one.
    pub fn resource_group_id(&self) -> Option<String> {
        Some(format!(
            "/subscriptions/{}/resourceGroups/{}",
            self.subscription_id.as_deref()?,
            self.resource_group.as_deref()?
        ))
    }

    fn missing(&self, what: &str) -> AzureError {
        AzureError::new(
            "InvalidResourceId",
            format!("`{}` names no {what}", self.id),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_and_extension_ids() {
        let v = "/subscriptions/s1/resourceGroups/rg-a/providers/Microsoft.KeyVault/vaults/kv-a";
        let ra = format!("{v}/providers/Microsoft.Authorization/roleAssignments/u1");
        let id = ArmId::parse(&ra).unwrap();
        assert_eq!(id.parent, v);
        assert_eq!(id.name, "u1");
        assert_eq!(id.subscription_id.as_deref(), Some("s1"));
        assert_eq!(id.resource_group.as_deref(), Some("rg-a"));
        let rg = ArmId::parse("/subscriptions/s1/resourceGroups/rg-a").unwrap();
        assert_eq!(rg.name, "rg-a");
        assert_eq!(rg.parent, "/subscriptions/s1");
        assert_eq!(
            ArmId::parse(v).unwrap().resource_group_id().unwrap(),
            "/subscriptions/s1/resourceGroups/rg-a"
        );
    }
}
