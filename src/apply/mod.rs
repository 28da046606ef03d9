//! The executor: walks each vault's resource graph with a concurrency cap, creating shared
//! resources once, and reports progress as events. It prints nothing.
