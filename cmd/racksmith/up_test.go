package main

import (
	"bytes"
	"strings"
	"testing"
)

// runRoot runs the CLI with args and returns the exit code and error text.
func runRoot(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&out)
	rootCmd.SetArgs(args)
	defer rootCmd.SetArgs(nil)
	err := rootCmd.Execute()
	if err == nil {
		return 0, out.String()
	}
	if ee, ok := err.(*exitError); ok {
		return ee.code, err.Error()
	}
	return 1, err.Error()
}

// Without a terminal to ask and without --yes, up touches nothing.
func TestUpRefusesWithoutYes(t *testing.T) {
	code, msg := runRoot(t, "up", "--stack", "example", "--dir", "../..")
	if code != 2 || !strings.Contains(msg, "--yes") {
		t.Fatalf("exit %d %q; want 2 asking for --yes", code, msg)
	}
}

// --secret-env names the variable that is missing, never a value.
func TestSecretEnvErrors(t *testing.T) {
	t.Setenv("RACKSMITH_TEST_UNSET", "")
	for _, arg := range []string{"racksmith:bmcPassword", "racksmith:bmcPassword=RACKSMITH_TEST_UNSET",
		"Lab-SeCrEt-4242", "racksmith:bmcPassword=Lab-SeCrEt-4242"} {
		code, msg := runRoot(t, "destroy", "--stack", "example", "--dir", "../..", "--yes", "--secret-env", arg)
		if code != 2 || !strings.Contains(msg, "--secret-env") {
			t.Errorf("--secret-env %s: exit %d %q", arg, code, msg)
		}
		// a value typed where the variable's name belongs is not echoed
		if strings.Contains(msg, "Lab-SeCrEt-4242") {
			t.Errorf("--secret-env %s: the value is echoed: %q", arg, msg)
		}
	}
}
