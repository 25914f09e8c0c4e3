package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every write the emulator acknowledged survives the process being killed
// (SIGKILL: no shutdown, no checkpoint) while many writers are in flight,
// which is when writes share commits (store/commit.go).
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	db := filepath.Join(t.TempDir(), "durable.db")
	p := startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db)
	client := &http.Client{Timeout: 10 * time.Second}
	var (
		mu    sync.Mutex
		acked []string
		seq   atomic.Int64
		wg    sync.WaitGroup
	)
	enough := make(chan struct{})
	var once sync.Once
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := seq.Add(1)
				name := fmt.Sprintf("durable%d", n)
				req, _ := http.NewRequest("POST", p.url+"/keitaro/admin_api/v1/campaigns",
					strings.NewReader(`{"name":"`+name+`","alias":"`+name+`"}`))
				req.Header.Set("Api-Key", "your-api-key")
				resp, err := client.Do(req)
				if err != nil {
					return // the process is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("write %s: %d", name, resp.StatusCode)
					return
				}
				mu.Lock()
				acked = append(acked, name)
				if len(acked) >= 400 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatal("400 writes not acknowledged within 60 s")
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.exit
	wg.Wait()
	mu.Lock()
	want := append([]string(nil), acked...)
	mu.Unlock()

	p = startBinary(t, "EMULATOR_ADDR=127.0.0.1:0", "EMULATOR_DB="+db)
	req, _ := http.NewRequest("GET", p.url+"/keitaro/admin_api/v1/campaigns", nil)
	req.Header.Set("Api-Key", "your-api-key")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var campaigns []struct{ Name string }
	if err := json.NewDecoder(resp.Body).Decode(&campaigns); err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, c := range campaigns {
		stored[c.Name] = true
	}
	lost := 0
	for _, name := range want {
		if !stored[name] {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged writes lost after kill -9", lost, len(want))
	}
	t.Logf("%d acknowledged writes, all stored after kill -9", len(want))
}
