package program

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// Project is the Pulumi project name (Pulumi.yaml).
const Project = "racksmith"

// Stack is one stack of the project run through the Automation API's
// inline source: the program runs in this process, so no Go language host
// is needed, with the Pulumi CLI and the provider plugin from Bin (the
// workspace project's plugins). Everything it writes stays under
// stacks/<Name>/.pulumi (ignored by git): state, workspace, passphrase.
type Stack struct {
	Name string
	// Dir is the project folder: Pulumi.yaml and stacks/Pulumi.<Name>.yaml.
	// Default: the nearest folder holding Pulumi.yaml from the working
	// directory up.
	Dir string
	// Bin holds bin/pulumi's folder layout: Bin/pulumi and
	// Bin/pulumi-resource-racksmith. Default Dir/bin.
	Bin string
	// Backend is any Pulumi backend URL. Default file://Dir/stacks/<Name>/.pulumi.
	Backend string
	// Out receives Pulumi's progress. Default os.Stdout.
	Out io.Writer
	// Env is added to the engine's and plugins' environment.
	Env map[string]string
	// Program overrides the program (tests); default New with Dir as root.
	Program pulumi.RunFunc
	// Secrets are set as secret stack config before the run, e.g.
	// racksmith:bmcPassword (values never printed).
	Secrets map[string]string
}

// PassphraseFile is where a generated passphrase for the passphrase secrets
// provider is kept (0600) when PULUMI_CONFIG_PASSPHRASE(_FILE) is not set.
func (s Stack) PassphraseFile() string {
	return filepath.Join(s.dir(), "stacks", s.Name, ".pulumi", "passphrase")
}

func (s Stack) dir() string {
	if s.Dir == "" {
		return projectRoot()
	}
	return s.Dir
}

// open selects (creating if needed) the stack in a local workspace.
func (s Stack) open(ctx context.Context) (auto.Stack, error) {
	if s.Name == "" || strings.ContainsAny(s.Name, `/\ `) {
		return auto.Stack{}, fmt.Errorf("stack name %q: want a plain name such as lab", s.Name)
	}
	dir, err := filepath.Abs(s.dir())
	if err != nil {
		return auto.Stack{}, err
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err != nil {
		return auto.Stack{}, fmt.Errorf("project %s: no Pulumi.yaml (run from the repository root or pass --dir): %w", dir, err)
	}
	bin := s.Bin
	if bin == "" {
		bin = filepath.Join(dir, "bin")
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return auto.Stack{}, err
	}
	for _, exe := range []string{"pulumi", "pulumi-resource-racksmith"} {
		if _, err := os.Stat(filepath.Join(bin, exe)); err != nil {
			return auto.Stack{}, fmt.Errorf("%s not found in %s (make setup build): %w", exe, bin, err)
		}
	}
	env := map[string]string{
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK":    "true",
		"PATH": bin + string(os.PathListSeparator) + os.Getenv("PATH"),
	}
	backend := s.Backend
	if backend == "" {
		state := filepath.Join(dir, "stacks", s.Name, ".pulumi")
		if err := os.MkdirAll(state, 0o700); err != nil {
			return auto.Stack{}, fmt.Errorf("state folder: %w", err)
		}
		backend = "file://" + state
	}
	env["PULUMI_BACKEND_URL"] = backend
	if os.Getenv("PULUMI_CONFIG_PASSPHRASE") == "" && os.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE") == "" {
		pf := Stack{Name: s.Name, Dir: dir}.PassphraseFile()
		if err := ensurePassphrase(pf); err != nil {
			return auto.Stack{}, err
		}
		env["PULUMI_CONFIG_PASSPHRASE_FILE"] = pf
	}
	for k, v := range s.Env {
		env[k] = v
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: filepath.Dir(bin)})
	if err != nil {
		return auto.Stack{}, fmt.Errorf("pulumi CLI in %s: %w", bin, err)
	}
	prog := s.Program
	if prog == nil {
		prog = New(Options{Root: dir})
	}
	// The workspace (its Pulumi.yaml and the stack's settings with their
	// encryption salt) is private to this machine, beside the state; the
	// tracked stacks/Pulumi.<Name>.yaml only gives plain config values.
	work := filepath.Join(dir, "stacks", s.Name, ".pulumi", "workspace")
	if err := os.MkdirAll(work, 0o700); err != nil {
		return auto.Stack{}, fmt.Errorf("workspace folder: %w", err)
	}
	proj := workspace.Project{
		Name:    tokens.PackageName(Project),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Plugins: &workspace.Plugins{Providers: []workspace.PluginOptions{{Name: "racksmith", Path: bin}}},
	}
	st, err := auto.UpsertStackInlineSource(ctx, s.Name, Project, prog, auto.Project(proj),
		auto.WorkDir(work), auto.Pulumi(cmd), auto.EnvVars(env), auto.SecretsProvider("passphrase"))
	if err != nil {
		return auto.Stack{}, fmt.Errorf("open stack %s (backend %s): %w", s.Name, backend, err)
	}
	cfg, err := trackedConfig(filepath.Join(dir, "stacks", "Pulumi."+s.Name+".yaml"))
	if err != nil {
		return auto.Stack{}, err
	}
	for k, v := range s.Secrets {
		cfg[k] = auto.ConfigValue{Value: v, Secret: true}
	}
	if len(cfg) > 0 {
		if err := st.SetAllConfig(ctx, cfg); err != nil {
			return auto.Stack{}, fmt.Errorf("set config of stack %s: %w", s.Name, err)
		}
	}
	return st, nil
}

// trackedConfig reads the plain config values of a stack settings file
// (absent file: none). Encrypted values there belong to another machine's
// passphrase and are refused.
func trackedConfig(path string) (auto.ConfigMap, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return auto.ConfigMap{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("stack settings: %w", err)
	}
	var f struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := auto.ConfigMap{}
	for k, v := range f.Config {
		switch v := v.(type) {
		case string:
			out[k] = auto.ConfigValue{Value: v}
		case bool, int, float64:
			out[k] = auto.ConfigValue{Value: fmt.Sprint(v)}
		default:
			return nil, fmt.Errorf("%s: config %s: only plain values are read; give secrets with --secret-env", path, k)
		}
	}
	return out, nil
}

// ensurePassphrase creates a random passphrase file (0600) if there is none.
func ensurePassphrase(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("generate passphrase: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("passphrase file: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(b) + "\n")
	return errors.Join(err, f.Close())
}

func (s Stack) out() io.Writer {
	if s.Out == nil {
		return os.Stdout
	}
	return s.Out
}

// Up creates or updates the stack's resources.
func (s Stack) Up(ctx context.Context) (auto.UpResult, error) {
	st, err := s.open(ctx)
	if err != nil {
		return auto.UpResult{}, err
	}
	res, err := st.Up(ctx, optup.ProgressStreams(s.out()), optup.ErrorProgressStreams(s.out()))
	return res, s.failed("up", err)
}

// Preview shows what an up would change, contacting no BMC and no boot
// server. changes is false when every resource stays the same.
func (s Stack) Preview(ctx context.Context) (changes bool, summary string, err error) {
	counts, err := s.PreviewCounts(ctx)
	if err != nil {
		return false, "", err
	}
	var parts []string
	for op, n := range counts {
		if n == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d", op, n))
		if op != "same" {
			changes = true
		}
	}
	sort.Strings(parts)
	return changes, strings.Join(parts, ", "), nil
}

// PreviewCounts is Preview's count of resources per operation ("create",
// "update", "replace", "delete", "same", …).
func (s Stack) PreviewCounts(ctx context.Context) (map[string]int, error) {
	st, err := s.open(ctx)
	if err != nil {
		return nil, err
	}
	res, err := st.Preview(ctx, optpreview.ProgressStreams(s.out()), optpreview.ErrorProgressStreams(s.out()))
	if err != nil {
		return nil, s.failed("preview", err)
	}
	counts := make(map[string]int, len(res.ChangeSummary))
	for op, n := range res.ChangeSummary {
		counts[string(op)] = n
	}
	return counts, nil
}

// Refresh reads every resource's state (BMC power, boot server state).
func (s Stack) Refresh(ctx context.Context) (auto.RefreshResult, error) {
	st, err := s.open(ctx)
	if err != nil {
		return auto.RefreshResult{}, err
	}
	res, err := st.Refresh(ctx, optrefresh.ProgressStreams(s.out()), optrefresh.ErrorProgressStreams(s.out()))
	return res, s.failed("refresh", err)
}

// Destroy wipes and powers off every server of the stack.
func (s Stack) Destroy(ctx context.Context) (auto.DestroyResult, error) {
	st, err := s.open(ctx)
	if err != nil {
		return auto.DestroyResult{}, err
	}
	res, err := st.Destroy(ctx, optdestroy.ProgressStreams(s.out()), optdestroy.ErrorProgressStreams(s.out()))
	return res, s.failed("destroy", err)
}

// failed shortens the Automation API's error, whose text repeats the
// engine's whole output (already streamed to Out), to its first line.
func (s Stack) failed(op string, err error) error {
	if err == nil {
		return nil
	}
	first, _, _ := strings.Cut(err.Error(), "\n")
	return fmt.Errorf("%s of stack %s failed (Pulumi's output above): %s%w", op, s.Name, first, quiet{err})
}

// quiet wraps an error for errors.Is/As without repeating its text.
type quiet struct{ err error }

func (q quiet) Error() string { return "" }
func (q quiet) Unwrap() error { return q.err }
