//! ResourceGroups_List (`GET /subscriptions/{sub}/resourcegroups?api-version=2021-04-01`) over
//! real HTTP: the `{"value": [...]}` envelope with the subscription's groups only (validated
//! against resources.json like every answer), and the same read-after-write visibility as the
//! other lists.

use crate::common;

use common::*;
use kvinit_emulator::FaultProfile;
use serde_json::json;

#[tokio::test]
async fn lists_the_subscriptions_groups_only() {
    let emu = start(FaultProfile::none()).await;
    let c = Client::new(&emu).await;
    let empty = c
        .get(&format!("/subscriptions/{SUB}/resourcegroups?{RG_API}"))
        .await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert_eq!(empty.body, json!({ "value": [] }));
    for rg in ["rg-b", "rg-a"] {
        make_rg(&c, SUB, rg).await;
    }
    make_rg(&c, SUB2, "rg-other").await;
    let a = c
        .get(&format!("/subscriptions/{SUB}/resourcegroups?{RG_API}"))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let items = a.body["value"].as_array().unwrap();
    let names: Vec<&str> = items.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["rg-a", "rg-b"]);
    assert_eq!(
        items[0]["id"],
        format!("/subscriptions/{SUB}/resourceGroups/rg-a")
    );
    assert_eq!(items[0]["type"], "Microsoft.Resources/resourceGroups");
    assert_eq!(items[0]["properties"]["provisioningState"], "Succeeded");
    // ARM's casing of the collection does not matter.
    let b = c
        .get(&format!("/subscriptions/{SUB}/resourceGroups?{RG_API}"))
        .await;
    assert_eq!(b.body, a.body);
    let wrong = c
        .send(
            "PUT",
            &format!("/subscriptions/{SUB}/resourcegroups?{RG_API}"),
            Some(json!({})),
        )
        .await;
    assert_eq!(wrong.status, 405);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn new_groups_are_hidden_inside_the_read_after_write_window() {
    let faults = FaultProfile::from_yaml("readAfterWriteLagMs: 60000\n").unwrap();
    let emu = start(faults).await;
    let c = Client::new(&emu).await;
    make_rg(&c, SUB, "rg-new").await;
    let a = c
        .get(&format!("/subscriptions/{SUB}/resourcegroups?{RG_API}"))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body, json!({ "value": [] }));
    emu.shutdown().await.unwrap();
}
