module github.com/cloesce-go/cloesce

go 1.26.8

require (
	github.com/tailscale/hujson v0.0.0-20260727124030-b80ff77dac4f
	golang.org/x/term v0.47.0
)

require golang.org/x/sys v0.49.0 // indirect

require (
	github.com/rogpeppe/go-internal v1.16.0
	golang.org/x/tools v0.26.0 // indirect
)
