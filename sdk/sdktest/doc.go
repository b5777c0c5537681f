// Package sdktest tests a plugin in process, through the same gRPC adapters and
// protobuf messages the host uses, without building or starting a binary.
//
// [Connect] returns the host's view of a plugin, to call it as the host does;
// [Conformance] checks everything the host relies on from a plugin of its kind (the
// Info and its options, determinism, and per kind the graph contract of an
// architecture, the layouts of a chunker, the tables of a schedule, …):
//
//	func TestConformance(t *testing.T) { sdktest.Conformance(t, cosine.New()) }
//
//	func TestCosine(t *testing.T) {
//		s := sdktest.Connect(t, cosine.New()).(sdk.NoiseSchedule)
//		tables, err := s.Tables(ctx, 1000, nil)
//		...
//	}
//
// Neither writes to the test's output beyond the failures it reports.
package sdktest
