package provider

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
)

// How a change of each input reaches the server. Inputs the installer lays
// into the disks replace the server (wipe, then reinstall: delete before
// replace, since old and new are the same machine); the rest update it.
var inputChange = map[string]p.DiffKind{
	"hostname":       p.Update,
	"site":           p.UpdateReplace,
	"mac":            p.UpdateReplace,
	"nics":           p.UpdateReplace,
	"address":        p.UpdateReplace,
	"gateway":        p.Update,
	"dns":            p.Update,
	"bmc":            p.Update,
	"bootServerUrl":  p.Update,
	"image":          p.UpdateReplace,
	"storage":        p.UpdateReplace,
	"firmware":       p.UpdateReplace,
	"files":          p.Update,
	"afterInstall":   p.Update,
	"installTimeout": p.Update,
	"rebootGroups":   p.Update,
}

// Diff compares the recorded inputs with the new ones, input by input, so a
// preview lists exactly what changes and whether it replaces the server. A
// server whose install has not finished (failed, cut, or wiped behind our
// back, as a refresh shows) also differs in installState: the update
// installs it. When the role files differ, an info diagnostic on the
// resource names the paths added, removed and changed (never contents), so
// a preview shows which files an up would change.
func (s *Server) Diff(ctx context.Context, req infer.DiffRequest[ServerArgs, ServerState]) (infer.DiffResponse, error) {
	d := DiffArgs(req.State.ServerArgs, req.Inputs)
	if _, ok := d.DetailedDiff["files"]; ok {
		host := req.Inputs.Hostname
		if host == "" {
			host = req.State.Hostname
		}
		p.GetLogger(ctx).Infof("%s: role files: %s", host, FileChanges(req.State.Files, req.Inputs.Files))
	}
	if needsInstall(req.State.InstallState) && !d.HasChanges {
		d.HasChanges = true
		d.DetailedDiff["installState"] = p.PropertyDiff{Kind: p.Update}
	}
	return d, nil
}

// DiffArgs is the pure diff of two sets of inputs.
func DiffArgs(old, new ServerArgs) p.DiffResponse {
	o, n := fields(old), fields(new)
	resp := p.DiffResponse{DeleteBeforeReplace: true, DetailedDiff: map[string]p.PropertyDiff{}}
	keys := make([]string, 0, len(inputChange))
	for k := range inputChange {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if o[k] == n[k] {
			continue
		}
		kind := inputChange[k]
		switch {
		case o[k] == "":
			kind = addKind(kind)
		case n[k] == "":
			kind = deleteKind(kind)
		}
		resp.DetailedDiff[k] = p.PropertyDiff{Kind: kind, InputDiff: true}
		resp.HasChanges = true
	}
	return resp
}

// FileChanges lists by path how the role files new differ from old: +added,
// -removed, ~changed (content or mode; mode 0 is the default 0644), each
// group sorted, in the form `racksmith roles diff` prints. It never shows
// contents: they may be large, and some are credentials.
func FileChanges(old, new []FileArgs) string {
	type body struct {
		mode    int
		content string
	}
	index := func(files []FileArgs) map[string]body {
		m := make(map[string]body, len(files))
		for _, f := range files {
			if f.Mode == 0 {
				f.Mode = defaultFileMode
			}
			m[f.Path] = body{f.Mode, f.Content}
		}
		return m
	}
	was, is := index(old), index(new)
	groups := map[byte][]string{}
	for path, b := range is {
		if o, ok := was[path]; !ok {
			groups['+'] = append(groups['+'], path)
		} else if o != b {
			groups['~'] = append(groups['~'], path)
		}
	}
	for path := range was {
		if _, ok := is[path]; !ok {
			groups['-'] = append(groups['-'], path)
		}
	}
	var parts []string
	for _, mark := range []byte("+-~") {
		sort.Strings(groups[mark])
		for _, path := range groups[mark] {
			parts = append(parts, string(mark)+path)
		}
	}
	if len(parts) == 0 {
		return "same paths, modes and contents (only their order or the spelling of a mode differs)"
	}
	return strings.Join(parts, " ")
}

// fields renders each input in a canonical JSON form in which an absent
// value, null and an empty list, map or string are all "".
func fields(a ServerArgs) map[string]string {
	raw := map[string]any{
		"hostname": a.Hostname, "site": a.Site, "mac": a.MAC, "nics": a.NICs, "address": a.Address,
		"gateway": a.Gateway, "dns": a.DNS, "bmc": a.BMC, "bootServerUrl": a.BootServerURL,
		"image": a.Image, "storage": a.Storage, "files": a.Files,
		"afterInstall": a.AfterInstall, "installTimeout": a.InstallTimeout, "rebootGroups": a.RebootGroups,
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		out[k] = canon(v)
	}
	// bios is the default: state recorded before the input existed is bios
	out["firmware"] = canon(firmware(a))
	return out
}

// canon marshals v with empty values dropped.
func canon(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		panic(err)
	}
	x = prune(x)
	if x == nil {
		return ""
	}
	b, _ = json.Marshal(x)
	return string(b)
}

func prune(x any) any {
	switch v := x.(type) {
	case map[string]any:
		for k, e := range v {
			if e = prune(e); e == nil {
				delete(v, k)
			} else {
				v[k] = e
			}
		}
		if len(v) == 0 {
			return nil
		}
		return v
	case []any:
		for i := range v {
			v[i] = prune(v[i])
		}
		if len(v) == 0 {
			return nil
		}
		return v
	case string:
		if v == "" {
			return nil
		}
	case float64:
		if v == 0 {
			return nil
		}
	case bool:
		if !v {
			return nil
		}
	}
	return x
}

func addKind(k p.DiffKind) p.DiffKind {
	if k == p.UpdateReplace {
		return p.AddReplace
	}
	return p.Add
}

func deleteKind(k p.DiffKind) p.DiffKind {
	if k == p.UpdateReplace {
		return p.DeleteReplace
	}
	return p.Delete
}
