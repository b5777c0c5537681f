// Package sdktest tests a plugin in process, through the same gRPC adapters and
// protobuf messages the host uses, without building or starting a binary.
//
//	func TestCosine(t *testing.T) {
//		s := sdktest.Connect(t, cosine.New()).(sdk.NoiseSchedule)
//		tables, err := s.Tables(ctx, 1000, nil)
//		...
//	}
package sdktest
