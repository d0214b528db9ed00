package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// File is the boot server's configuration file (`racksmith pxe serve
// --config FILE`), JSON with the command's flag names in snake case. Flags
// given on the command line override it. It holds no secret: the API token
// stays in its own file.
type File struct {
	Stack        string   `json:"stack"`
	Site         string   `json:"site"`
	Interface    string   `json:"interface,omitempty"`
	ListenHTTP   string   `json:"listen_http,omitempty"`
	TFTPRoot     string   `json:"tftp_root,omitempty"`
	UEFIBinary   string   `json:"uefi_binary,omitempty"`
	Files        string   `json:"files,omitempty"`
	State        string   `json:"state,omitempty"`
	APITokenFile string   `json:"api_token_file,omitempty"`
	Discovery    bool     `json:"discovery,omitempty"`
	RA           bool     `json:"ra,omitempty"`
	ProxyDHCP    bool     `json:"proxy_dhcp,omitempty"`
	LogLevel     string   `json:"log_level,omitempty"`
	Kernel       string   `json:"kernel,omitempty"`
	Initrd       string   `json:"initrd,omitempty"`
	KernelArgs   []string `json:"kernel_args,omitempty"`
}

// LoadFile reads a configuration file. Errors name the file, the line and
// the field.
func LoadFile(path string) (File, error) {
	var f File
	b, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return File{}, fmt.Errorf("%w: %s", ErrConfig, fileErr(path, b, dec.InputOffset(), err))
	}
	if dec.More() {
		return File{}, fmt.Errorf("%w: %s:%d: data after the configuration object", ErrConfig, path, lineOf(b, dec.InputOffset()))
	}
	switch {
	case f.Stack == "":
		return File{}, fmt.Errorf("%w: %s: field stack: required", ErrConfig, path)
	case f.Site == "":
		return File{}, fmt.Errorf("%w: %s: field site: required", ErrConfig, path)
	}
	return f, nil
}

// fileErr places a JSON decoding error at its line.
func fileErr(path string, b []byte, off int64, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s:%d: %s", path, lineOf(b, se.Offset), se.Error())
	case errors.As(err, &te):
		return fmt.Sprintf("%s:%d: field %s: got JSON %s, want %s", path, lineOf(b, te.Offset), te.Field, te.Value, te.Type)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if f, ok := strings.CutPrefix(msg, "unknown field "); ok {
		// The decoder has read past the field; find where its key is.
		if i := bytes.Index(b, []byte(f)); i >= 0 {
			off = int64(i)
		}
		return fmt.Sprintf("%s:%d: unknown field %s", path, lineOf(b, off), f)
	}
	return fmt.Sprintf("%s:%d: %s", path, lineOf(b, off), msg)
}

func lineOf(b []byte, off int64) int {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	return 1 + bytes.Count(b[:off], []byte("\n"))
}
