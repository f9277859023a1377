// The suite measures load and timing on a small machine: its tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
