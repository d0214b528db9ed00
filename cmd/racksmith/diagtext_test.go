package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/modules"
)

func writeTestFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// 5,000 unknown attributes in one file: text mode prints the first 50
// errors, in line order, then one line counting the rest (hcl's writer
// rescanned the file per diagnostic: minutes); the exit code and the JSON
// counts are exact.
func TestInventoryValidateManyErrorsBounded(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(&b, "foo%d = 1\n", i)
	}
	writeTestFile(t, filepath.Join(dir, "a.hcl"), b.String())

	var out, errOut bytes.Buffer
	if code := planExitCode(runInventoryValidate(&out, &errOut, dir, "text")); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	text := errOut.String()
	if n := strings.Count(text, "\n"); n > textMaxErrors*7+5 {
		t.Errorf("stderr has %d lines", n)
	}
	if got := strings.Count(text, "Error: Unsupported argument"); got != textMaxErrors {
		t.Errorf("%d errors printed, want %d", got, textMaxErrors)
	}
	for _, want := range []string{"   1: foo1 = 1\n", "  50: foo50 = 1\n", "… and 4950 more errors (0 more warnings); --format json lists them all\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.Contains(text, "foo51 ") {
		t.Error("error 51 printed")
	}

	out.Reset()
	if code := planExitCode(runInventoryValidate(&out, &errOut, dir, "json")); code != 1 {
		t.Fatalf("json exit %d, want 1", code)
	}
	var got invValidation
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.ErrorCount != 5000 || len(got.Diagnostics) != 5000 {
		t.Errorf("json: %d errors, %d diagnostics", got.ErrorCount, len(got.Diagnostics))
	}

	// plan prints them alike and counts them all
	stacks := t.TempDir()
	if err := os.Rename(dir, filepath.Join(stacks, "big")); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errOut.Reset()
	err := runPlan(t.Context(), &out, &errOut, planFlags{stack: "big", stacksDir: stacks, format: "text", noPreview: true})
	if code := planExitCode(err); code != 1 {
		t.Fatalf("plan exit %d", code)
	}
	if !strings.Contains(errOut.String(), "… and 4950 more errors") || !strings.Contains(out.String(), "Plan failed: 5000 errors, 0 warnings.") {
		t.Errorf("plan stdout:\n%s\nstderr tail:\n%s", out.String(), errOut.String()[max(0, errOut.Len()-300):])
	}
}

// boundDiags keeps the first errors and warnings in file order, those
// without a position first.
func TestBoundDiags(t *testing.T) {
	var diags hcl.Diagnostics
	at := func(file string, b int) *hcl.Range {
		return &hcl.Range{Filename: file, Start: hcl.Pos{Line: 1, Byte: b}, End: hcl.Pos{Line: 1, Byte: b + 1}}
	}
	for i := 99; i >= 0; i-- {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprint("e", i), Subject: at("b.hcl", i)})
		if i < 30 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: fmt.Sprint("w", i), Subject: at("a.hcl", i)})
		}
	}
	diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "nowhere"})
	shown, moreErr, moreWarn := boundDiags(diags, 50, 20)
	if moreErr != 51 || moreWarn != 10 || len(shown) != 70 {
		t.Fatalf("shown %d, more %d errors %d warnings", len(shown), moreErr, moreWarn)
	}
	if shown[0].Summary != "nowhere" || shown[1].Summary != "w0" || shown[20].Summary != "w19" || shown[21].Summary != "e0" || shown[69].Summary != "e48" {
		t.Errorf("order: %s %s %s %s %s", shown[0].Summary, shown[1].Summary, shown[20].Summary, shown[21].Summary, shown[69].Summary)
	}
}

// The snippets are hcl's own, over every broken fixture, both stacks and
// multi-line, CRLF and expression-valued diagnostics.
func TestDiagWriterMatchesHCL(t *testing.T) {
	extra := t.TempDir()
	writeTestFile(t, filepath.Join(extra, "a.hcl"), `variable "p" { default = "10.0.0.0/30" }
locals {
  x = cidrhost(var.p, 1000)
  y = [
    1,
    2 +
    "a",
  ]
}
rack "r1" {
  site = local.nope
  height = "tall"
}
server "s" {
  site = "fra1"

  roles = [

    "x", 3, {a=1}
  ]
}
`)
	writeTestFile(t, filepath.Join(extra, "b.hcl"), "rack \"r2\" {\r\n  height = \"x\"\r\n  bogus = 1\r\n}\r\n")
	dirs, _ := filepath.Glob("../../inventory/testdata/invalid/*")
	dirs = append(dirs, "../../stacks/lab", "../../stacks/example", extra)
	n := 0
	for _, dir := range dirs {
		inv, _, diags := inventory.Check(dir)
		if !diags.HasErrors() {
			_, r := modules.Render(inv)
			diags = append(diags, r...)
		}
		shown, _, _ := boundDiags(diags, 1000, 1000)
		var want, got bytes.Buffer
		if err := hcl.NewDiagnosticTextWriter(&want, inventory.RedactedFiles(inv.Files, shown), 100, false).WriteDiagnostics(shown); err != nil {
			t.Fatal(err)
		}
		if err := invWriteDiags(&got, inv, diags); err != nil {
			t.Fatal(err)
		}
		n += len(shown)
		if want.String() != got.String() {
			t.Errorf("%s: hcl writes\n%s\nwe write\n%s", dir, want.String(), got.String())
		}
	}
	if n < 100 {
		t.Errorf("only %d diagnostics compared", n)
	}
}

// Control characters of a hostile file reach the terminal escaped.
func TestInventoryValidateEscapesControlCharacters(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "a.hcl"), "rack \"r1\" {\n  site   = \"fra1\"\n  height = 42\n  bogus  = \"\x1b]0;PWNED\x07\" # \u009b2J\rX\n}\n")
	var out, errOut bytes.Buffer
	if code := planExitCode(runInventoryValidate(&out, &errOut, dir, "text")); code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, errOut.String())
	}
	text := errOut.String()
	if strings.ContainsAny(text, "\x1b\x07\r\u009b") {
		t.Errorf("raw control characters in stderr: %q", text)
	}
	if !strings.Contains(text, `   4:   bogus  = "\x1b]0;PWNED\x07" # \u009b2J\x0dX`) {
		t.Errorf("stderr lacks the escaped line: %q", text)
	}
}

func TestCtrlEscaperKeepsUTF8AcrossWrites(t *testing.T) {
	var b bytes.Buffer
	e := &ctrlEscaper{w: &b}
	s := []byte("größe\t\x1b[31m\u00e9\xff\n")
	for i := range s { // one byte per Write
		if _, err := e.Write(s[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Write([]byte("\xc3")); err != nil { // cut short at the end
		t.Fatal(err)
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "größe\t\\x1b[31m\u00e9\\xff\n\\xc3"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A binary file is one error naming it, not thousands of control-byte
// snippets; a missing folder and a file are named as such; an editor's
// dangling lock symlink does not fail validation.
func TestInventoryValidateFilesAndFolders(t *testing.T) {
	dir := t.TempDir()
	srcs, _ := filepath.Glob("../../stacks/example/*.hcl")
	for _, s := range srcs {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		writeTestFile(t, filepath.Join(dir, filepath.Base(s)), string(b))
	}
	if err := os.Symlink("root@host.1234:1700000000", filepath.Join(dir, ".#servers.hcl")); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := runInventoryValidate(&out, &errOut, dir, "text"); err != nil {
		t.Fatalf("with a lock symlink: %v\n%s", err, errOut.String())
	}

	bin := make([]byte, 100_000)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	writeTestFile(t, filepath.Join(dir, "x.hcl"), string(bin))
	out.Reset()
	errOut.Reset()
	if code := planExitCode(runInventoryValidate(&out, &errOut, dir, "text")); code != 1 {
		t.Fatalf("binary file: exit %d", code)
	}
	want := "Error: Not a text HCL file\n\n" + filepath.Join(dir, "x.hcl") + " is not a text HCL file: it holds a NUL byte at offset 0.\n\n"
	if words(errOut.String()) != words(want) || strings.Count(errOut.String(), "Error") != 1 {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}

	for arg, want := range map[string]string{
		filepath.Join(dir, "missing"):   "no such directory",
		filepath.Join(dir, "sites.hcl"): "is a file, not a stack directory",
	} {
		errOut.Reset()
		if code := planExitCode(runInventoryValidate(&out, &errOut, arg, "text")); code != 1 || !strings.Contains(words(errOut.String()), want) {
			t.Errorf("%s: exit %d, stderr %q", arg, code, errOut.String())
		}
	}
}

// words is s with the word wrapping undone.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// fmt shows the snippet of a file that does not parse.
func TestInventoryFmtShowsSnippet(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.hcl")
	writeTestFile(t, path, "rack \"r1\" {\n  site = \"fra1\n}\n")
	var out, errOut bytes.Buffer
	if code := planExitCode(runInventoryFmt(&out, &errOut, dir, true)); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if s := errOut.String(); strings.Contains(s, "source code not available") || !strings.Contains(s, "on "+path+" line 2:\n   2:   site = \"fra1\n") {
		t.Errorf("stderr:\n%s", s)
	}
}

// A snippet shows at most snippetMaxLines lines, each cut around the
// subject: a 100,000-byte line and a 1,000-line list print a few KB.
func TestSnippetsAreBounded(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	fmt.Fprintf(&b, "rack \"r\" { height = \"%s\" }\nrack \"q\" {\n  site   = \"a\"\n  height = [\n", strings.Repeat("x", 100_000))
	for i := range 1000 {
		fmt.Fprintf(&b, "    \"%d\",\n", i)
	}
	b.WriteString("  ]\n}\n")
	writeTestFile(t, filepath.Join(dir, "a.hcl"), b.String())
	var out, errOut bytes.Buffer
	if code := planExitCode(runInventoryValidate(&out, &errOut, dir, "text")); code != 1 {
		t.Fatalf("exit %d", code)
	}
	for l := range strings.SplitSeq(errOut.String(), "\n") {
		if len(l) > snippetMaxLine+20 {
			t.Errorf("a line of %d bytes: %.80s…", len(l), l)
		}
	}
	if !strings.Contains(errOut.String(), fmt.Sprintf("  %d:     \"%d\",\n      (snippet cut after %d lines)\n", snippetMaxLines+3, snippetMaxLines-2, snippetMaxLines)) {
		t.Errorf("stderr:\n%s", errOut.String())
	}
}

// A diagnostic left out by the bound still has its range redacted when a
// printed snippet shows it (a literal secret inside a printed block).
func TestRedactionDiagsCoverPrintedSnippets(t *testing.T) {
	rng := func(from, to int) *hcl.Range {
		return &hcl.Range{Filename: "a.hcl", Start: hcl.Pos{Byte: from}, End: hcl.Pos{Byte: to}}
	}
	shown := &hcl.Diagnostic{Subject: rng(0, 10), Context: rng(0, 100)}
	inside := &hcl.Diagnostic{Subject: rng(50, 60)}
	outside := &hcl.Diagnostic{Subject: rng(200, 210)}
	got := redactionDiags(hcl.Diagnostics{shown, inside, outside}, hcl.Diagnostics{shown})
	if len(got) != 2 || got[0] != shown || got[1] != inside {
		t.Errorf("got %d diagnostics", len(got))
	}
}
