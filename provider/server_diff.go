package provider

import (
	"context"
	"encoding/json"
	"sort"

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
	"files":          p.Update,
	"afterInstall":   p.Update,
	"installTimeout": p.Update,
}

// Diff compares the recorded inputs with the new ones, input by input, so a
// preview lists exactly what changes and whether it replaces the server. A
// server whose install has not finished (failed, cut, or wiped behind our
// back, as a refresh shows) also differs in installState: the update
// installs it.
func (s *Server) Diff(ctx context.Context, req infer.DiffRequest[ServerArgs, ServerState]) (infer.DiffResponse, error) {
	d := DiffArgs(req.State.ServerArgs, req.Inputs)
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

// fields renders each input in a canonical JSON form in which an absent
// value, null and an empty list, map or string are all "".
func fields(a ServerArgs) map[string]string {
	raw := map[string]any{
		"hostname": a.Hostname, "site": a.Site, "mac": a.MAC, "nics": a.NICs, "address": a.Address,
		"gateway": a.Gateway, "dns": a.DNS, "bmc": a.BMC, "bootServerUrl": a.BootServerURL,
		"image": a.Image, "storage": a.Storage, "files": a.Files,
		"afterInstall": a.AfterInstall, "installTimeout": a.InstallTimeout,
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		out[k] = canon(v)
	}
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
