// Package pluginpb is the generated protobuf and gRPC code of the host–plugin protocol
// (sdk/proto/dnw/plugin/v1/plugin.proto). Do not edit: run `make proto`. Plugin
// authors use package sdk, which converts to and from these messages.
package pluginpb
