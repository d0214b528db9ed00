package racksmith

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The hand-written SDK must match the provider's schema, kept in
// provider/testdata/schema.golden.json (pinned by the provider's tests).
func TestSDKMatchesSchema(t *testing.T) {
	raw, err := os.ReadFile("../../../provider/testdata/schema.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	type props map[string]json.RawMessage
	var s struct {
		Resources map[string]struct {
			InputProperties props `json:"inputProperties"`
			Properties      props `json:"properties"`
		} `json:"resources"`
		Types map[string]struct {
			Properties props `json:"properties"`
		} `json:"types"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	srv := s.Resources[ServerType]
	same(t, "ServerArgs", tags(reflect.TypeOf(ServerArgs{})), keys(srv.InputProperties))
	same(t, "serverArgs", tags(reflect.TypeOf(serverArgs{})), keys(srv.InputProperties))
	for _, k := range tags(reflect.TypeOf(Server{})) {
		if _, ok := srv.Properties[k]; !ok {
			t.Errorf("Server output %q is not in the schema", k)
		}
	}
	for typ, v := range map[string]any{"BMCArgs": BMC{}, "ImageArgs": Image{}, "StorageArgs": Storage{},
		"DiskArgs": Disk{}, "EncryptionArgs": Encryption{}, "FileArgs": File{}, "NICArgs": NIC{}} {
		same(t, typ, tags(reflect.TypeOf(v)), keys(s.Types["racksmith:index:"+typ].Properties))
	}
	same(t, "bmcArgs", tags(reflect.TypeOf(bmcArgs{})), keys(s.Types["racksmith:index:BMCArgs"].Properties))
}

func tags(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("pulumi"), ","); tag != "" {
			out = append(out, tag)
		}
	}
	sort.Strings(out)
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s: SDK has %v, schema has %v", what, got, want)
	}
}
