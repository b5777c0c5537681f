package extensions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"dnw/sdk/ext"
)

// validateOptions checks an experiment's options for an extension against the
// JSON Schema in its metadata. An extension without a schema takes no options.
func validateOptions(info ext.Info, options map[string]any) error {
	if len(info.OptionsSchema) == 0 {
		if len(options) > 0 {
			return fmt.Errorf("%w: it takes no options, but got %v", ErrOptions, keys(options))
		}
		return nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(info.OptionsSchema))
	if err != nil {
		return fmt.Errorf("%w: its options schema: %v", ErrProtocol, err)
	}
	c := jsonschema.NewCompiler()
	url := "dnw-ext:" + info.Name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		return fmt.Errorf("%w: its options schema: %v", ErrProtocol, err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		return fmt.Errorf("%w: its options schema: %v", ErrProtocol, err)
	}
	// Through JSON, so TOML's integers and floats are the numbers the schema sees.
	b, err := json.Marshal(orEmpty(options))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrOptions, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrOptions, err)
	}
	if err := schema.Validate(v); err != nil {
		return fmt.Errorf("%w: %v", ErrOptions, err)
	}
	return nil
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func keys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
