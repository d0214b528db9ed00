package render

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

// Funcs are the helpers every role template may use.
var Funcs = template.FuncMap{
	"join":  strings.Join,
	"quote": func(s string) string { return fmt.Sprintf("%q", s) },
	"add":   func(a, b int) int { return a + b },
	"mul":   func(a, b int) int { return a * b },
}

// Templates parses every *.tmpl file of fsys under dir.
func Templates(fsys embed.FS, dir string) *template.Template {
	return template.Must(template.New("").Funcs(Funcs).Option("missingkey=error").ParseFS(fsys, dir+"/*.tmpl"))
}

// Exec runs the named template on data. Templates are fixed at build time
// and data is typed, so a failure is a programming error and panics.
func Exec(t *template.Template, name string, data any) string {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		panic(fmt.Sprintf("render: template %s: %v", name, err))
	}
	return b.String()
}
