package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/integration"

	"github.com/racksmith/racksmith/provider"
)

// Schema returns the provider's schema as `pulumi package get-schema` shows it.
func Schema(t *testing.T) []byte {
	t.Helper()
	prov, err := provider.New(provider.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := integration.NewServer(context.Background(), provider.Name, semver.MustParse(provider.Version), integration.WithProvider(prov))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetSchema(p.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(resp.Schema), "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}

// TestSchemaGolden pins the schema (the contract with the SDK in
// sdk/go/racksmith). Rewrite with go test ./provider -run Schema -update.
func TestSchemaGolden(t *testing.T) {
	got := Schema(t)
	path := filepath.Join("testdata", "schema.golden.json")
	if *provider.Update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./provider -run Schema -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("schema differs from %s: update the SDK (sdk/go/racksmith) and rewrite with -update", path)
	}
	var s struct {
		Resources map[string]struct {
			InputProperties map[string]struct {
				Secret bool `json:"secret"`
			} `json:"inputProperties"`
			Properties map[string]struct {
				Secret bool `json:"secret"`
			} `json:"properties"`
		} `json:"resources"`
		Types map[string]struct {
			Properties map[string]struct {
				Secret bool `json:"secret"`
			} `json:"properties"`
		} `json:"types"`
	}
	if err := json.Unmarshal(got, &s); err != nil {
		t.Fatal(err)
	}
	srv, ok := s.Resources["racksmith:index:Server"]
	if !ok {
		t.Fatal("no racksmith:index:Server in the schema")
	}
	if !srv.Properties["luksKey"].Secret || !srv.Properties["recoveryKey"].Secret || !s.Types["racksmith:index:BMCArgs"].Properties["password"].Secret {
		t.Fatal("luksKey, recoveryKey and bmc password must be secret in the schema")
	}
}

// TestGetSchemaFromPlugin: `pulumi package get-schema` on the built plugin
// gives the pinned schema.
func TestGetSchemaFromPlugin(t *testing.T) {
	bin := pluginBin(t)
	cmd := exec.Command(filepath.Join(bin, "pulumi"), "package", "get-schema", filepath.Join(bin, "pulumi-resource-racksmith"))
	cmd.Env = append(os.Environ(), "PULUMI_SKIP_UPDATE_CHECK=true", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
		"PULUMI_HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pulumi package get-schema: %v", err)
	}
	var got, want any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("get-schema output: %v", err)
	}
	if err := json.Unmarshal(Schema(t), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("get-schema of the plugin differs from the in-process schema")
	}
}
