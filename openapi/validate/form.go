package validate

import (
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// formTree turns form pairs into the value PHP's parse_str makes of them:
// "a[b][]=1" nests, a later value replaces an earlier one, and a map whose
// keys are 0, 1, … n-1 is a list. Leaves are strings.
func formTree(pairs [][2]string) any {
	root := map[string]any{}
	for _, kv := range pairs {
		base, segs := splitKey(kv[0])
		if base == "" {
			continue
		}
		insert(root, append([]string{base}, segs...), kv[1])
	}
	for k, v := range root {
		root[k] = lists(v)
	}
	return root
}

// splitKey splits "a[b][c]" into "a" and ["b","c"].
func splitKey(key string) (string, []string) {
	key = strings.TrimLeft(key, " ")
	open := strings.IndexByte(key, '[')
	if open < 0 || !strings.Contains(key[open:], "]") {
		return phpName(key), nil
	}
	base := phpName(key[:open])
	var segs []string
	rest := key[open:]
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		segs = append(segs, rest[1:end])
		rest = rest[end+1:]
	}
	return base, segs
}

func phpName(s string) string {
	return strings.NewReplacer(" ", "_", ".", "_", "[", "_").Replace(s)
}

func insert(m map[string]any, path []string, v string) {
	key := path[0]
	if key == "" {
		key = strconv.Itoa(nextIndex(m))
	}
	if len(path) == 1 {
		m[key] = v
		return
	}
	child, ok := m[key].(map[string]any)
	if !ok {
		child = map[string]any{}
		m[key] = child
	}
	insert(child, path[1:], v)
}

func nextIndex(m map[string]any) int {
	n := 0
	for k := range m {
		if i, err := strconv.Atoi(k); err == nil && i >= n {
			n = i + 1
		}
	}
	return n
}

// lists turns maps keyed 0…n-1 into lists, recursively.
func lists(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, x := range m {
		m[k] = lists(x)
	}
	if len(m) == 0 {
		return m
	}
	keys := make([]int, 0, len(m))
	for k := range m {
		i, err := strconv.Atoi(k)
		if err != nil || strconv.Itoa(i) != k {
			return m
		}
		keys = append(keys, i)
	}
	sort.Ints(keys)
	for i, k := range keys {
		if i != k {
			return m
		}
	}
	out := make([]any, len(keys))
	for i := range keys {
		out[i] = m[strconv.Itoa(i)]
	}
	return out
}
