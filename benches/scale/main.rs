//! kvinit's benchmark harness (issue 6): `cargo bench --bench scale [-- WHICH…]` where WHICH is
//! any of `offline`, `whole` (whole-process offline plan), `startup`, `apply` (benchmarks 2 and 3), `baseline` (default: all). Prints Markdown tables that
//! BENCHMARKS.md records. A plain `harness = false` binary: no timing framework, figures come
//! from wall clocks, /proc/self/status and the emulator's request log.

mod alloc_count;
mod apply_scale;
mod baseline;
mod calls;
mod emulated;
mod offline;
mod plan_gen;
mod startup;
mod stats;
mod whole_process;

/// What `--dump-desired` prints: the desired state with each vault's compliance results last
/// (the shape it had when the results were stored in the vault, so dumps stay comparable).
#[derive(serde::Serialize)]
struct Dump<'a> {
    vaults: Vec<DumpVault<'a>>,
}

/// One vault of a [`Dump`].
#[derive(serde::Serialize)]
struct DumpVault<'a> {
    #[serde(flatten)]
    vault: &'a kvinit::model::desired::DesiredVault,
    compliance: &'a [kvinit::rules::RuleResult],
}

#[global_allocator]
static ALLOC: alloc_count::Counting = alloc_count::Counting;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child-offline") {
        alloc_count::enable();
        let cells = args[i + 1].parse().expect("--child-offline CELLS");
        offline::child(cells);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--dump-desired") {
        // The desired state of a generated plan as JSON: a regression guard for speed work
        // (before and after must be byte-identical).
        let cells = args[i + 1].parse().expect("--dump-desired CELLS");
        let text = plan_gen::plan_yaml(plan_gen::Shape::offline(cells));
        let plan = kvinit::plan_file::parse(std::path::Path::new("generated.yaml"), &text)
            .expect("valid plan");
        let (state, compliance) = kvinit::rules::desired_state_with_compliance(&plan);
        let dump = Dump {
            vaults: state
                .vaults
                .iter()
                .enumerate()
                .map(|(i, vault)| DumpVault {
                    vault,
                    compliance: compliance.of(i),
                })
                .collect(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&dump).expect("serialise")
        );
        return;
    }
    // `cargo bench` passes `--bench`; anything starting with `-` is not a benchmark name.
    let wanted: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            !a.starts_with('-')
                && (*i == 0 || !matches!(args[i - 1].as_str(), "--vaults" | "--concurrency"))
        })
        .map(|(_, a)| a.as_str())
        .collect();
    let all = wanted.is_empty();
    let want = |name: &str| all || wanted.contains(&name);
    println!("# kvinit benchmarks\n");
    // First, while this process is small: a child started with posix_spawn (vfork) inherits
    // the parent's memory high-water mark in `ru_maxrss` (see whole_process.rs).
    if want("whole") {
        whole_process::run();
    }
    if want("offline") {
        offline::run();
    }
    if want("startup") {
        startup::run();
    }
    if want("apply") || want("calls") || want("baseline") {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async {
            if want("apply") || want("calls") {
                let mut calls = Vec::new();
                let sizes: Vec<usize> = match args.iter().position(|a| a == "--vaults") {
                    Some(i) => args[i + 1]
                        .split(',')
                        .map(|n| n.parse().expect("--vaults N,N,…"))
                        .collect(),
                    None => apply_scale::SIZES.to_vec(),
                };
                let concurrency = match args.iter().position(|a| a == "--concurrency") {
                    Some(i) => args[i + 1].parse().expect("--concurrency N"),
                    None => kvinit::apply::DEFAULT_CONCURRENCY,
                };
                let rows = apply_scale::run(&sizes, concurrency, &mut calls).await;
                apply_scale::print(&rows, concurrency);
                calls::print(&calls);
            }
            if want("baseline") {
                let b = baseline::run().await;
                baseline::print(&b);
            }
        });
    }
}
