package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vendoremu/vendoremu/emu"
	"github.com/vendoremu/vendoremu/internal/vtest"
	"github.com/vendoremu/vendoremu/server"
)

// rawGet sends one keep-alive GET on conn and reads the answer.
func rawGet(t *testing.T, conn net.Conn, br *bufio.Reader, path string) *http.Response {
	t.Helper()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tenant: default\r\n\r\n", path)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// waitClosed reads from conn until the server closes it; the deadline only
// bounds a failing test.
func waitClosed(t *testing.T, conn net.Conn, what string) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := io.Copy(io.Discard, conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("%s: the server kept the connection open", what)
	}
}

func TestHeadersBeyondTheLimitAreRefused(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}})
	// Go's default would take 1 MiB of headers; the emulator takes 64 KiB.
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /notes/items HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: %s\r\n\r\n", strings.Repeat("h", 70<<10))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("70 KiB of headers: %v %v", resp, err)
	}
	r := srv.Do("GET", "/notes/items", nil, "X-Tenant", "default", "X-Big", strings.Repeat("h", 60<<10))
	if r.Status != 200 {
		t.Fatalf("60 KiB of headers: %d", r.Status)
	}
}

func TestIdleConnectionsAreClosed(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes},
		Limits: server.Limits{IdleTimeout: 50 * time.Millisecond}})
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if resp := rawGet(t, conn, bufio.NewReader(conn), "/notes/items"); resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	waitClosed(t, conn, "idle keep-alive connection")
}

func TestBodyTricklersAreCutOff(t *testing.T) {
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes},
		Limits: server.Limits{ReadTimeout: 100 * time.Millisecond}})
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Promise 1000 bytes of body, send 1, then nothing.
	fmt.Fprintf(conn, "POST /notes/items HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tenant: default\r\nContent-Length: 1000\r\n\r\nx")
	waitClosed(t, conn, "connection trickling its body")
	if n := countNotes(t, srv); n != 1 {
		t.Fatalf("%d notes: the cut-off body was stored", n)
	}
}

func countNotes(t *testing.T, srv *vtest.Server) int {
	t.Helper()
	var c struct {
		Count int `json:"count"`
	}
	r := srv.Do("GET", "/_emulator/notes/count", nil)
	if err := json.Unmarshal([]byte(r.Body), &c); err != nil {
		t.Fatalf("count: %d %s", r.Status, r.Body)
	}
	return c.Count
}

func TestConnectionCapKeepsHealthAnswering(t *testing.T) {
	const max = 6
	srv := vtest.Start(t, server.Config{Vendors: []emu.Factory{newNotes}, Limits: server.Limits{MaxConns: max}})
	dial := func() (net.Conn, *bufio.Reader) {
		conn, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn, bufio.NewReader(conn)
	}
	// max idle keep-alive connections fill the cap ... (A client has its
	// answer a moment before the server marks the connection idle; each
	// is seen idle before the next is opened, so idle[0] is the one the
	// server has seen idle longest.)
	idle := make([]net.Conn, max)
	for i := range idle {
		conn, br := dial()
		if resp := rawGet(t, conn, br, "/notes/items"); resp.StatusCode != 200 {
			t.Fatal(resp.Status)
		}
		idle[i] = conn
		for deadline := time.Now().Add(10 * time.Second); server.IdleConns(srv.Server) < i+1; {
			if time.Now().After(deadline) {
				t.Fatalf("the server saw %d of %d kept-alive connections go idle", server.IdleConns(srv.Server), i+1)
			}
			runtime.Gosched()
		}
	}
	// ... and a new client still gets served: the longest-idle connection
	// makes room, as many times as needed.
	for range 3 * max {
		conn, br := dial()
		if resp := rawGet(t, conn, br, "/notes/items"); resp.StatusCode != 200 {
			t.Fatalf("past the cap with idle connections: %s", resp.Status)
		}
		conn.Close()
	}
	waitClosed(t, idle[0], "the longest-idle connection")

	// Now fill the cap with busy connections: requests parked on a delay,
	// one at a time (a connection the server has not yet seen closed can
	// still count, and turn one away).
	expect(t, srv.Do("POST", "/_emulator/faults", `{"path":"/items","delay_ms":600000}`), 201, `{"id":1}`)
	results := make(chan int, 4*max)
	for n := int64(0); n < max; {
		conn, br := dial()
		go func() {
			fmt.Fprintf(conn, "GET /notes/items HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tenant: default\r\n\r\n")
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				results <- 0
				return
			}
			resp.Body.Close()
			results <- resp.StatusCode
		}()
	wait:
		for {
			if parkedNow(srv) == n+1 {
				n++
				break
			}
			select {
			case status := <-results:
				if status != http.StatusServiceUnavailable {
					t.Fatalf("request meant to park got %d", status)
				}
				break wait
			default:
			}
		}
	}
	// Every connection is busy: the health check still answers, anything
	// else is told to come back, and neither holds its connection.
	conn, br := dial()
	if resp := rawGet(t, conn, br, "/_emulator/health"); resp.StatusCode != 200 || !resp.Close {
		t.Fatalf("health at the cap: %s close=%v", resp.Status, resp.Close)
	}
	waitClosed(t, conn, "overflow connection")
	conn, br = dial()
	resp := rawGet(t, conn, br, "/notes/items")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("vendor request at the cap: %s", resp.Status)
	}
	expect(t, srv.Do("DELETE", "/_emulator/faults", nil), 204, "")
	for range max {
		if status := <-results; status != 200 {
			t.Fatalf("parked request got %d", status)
		}
	}
}
