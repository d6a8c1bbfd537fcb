package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/internal/gguf"
)

// newTestModelCmd writes a deterministic GGUF model with seeded random weights.
func newTestModelCmd(a *app) *cobra.Command {
	var size, out string
	cmd := &cobra.Command{
		Use:   "testmodel --size tiny|small --out FILE",
		Short: "Write a deterministic GGUF test model (no download)",
		Long: `Writes a GGUF v3 file of a small Llama-architecture model with seeded random
weights. The same size always gives the same bytes. Import it into Ollama with
a Modelfile "FROM ./FILE". Sizes: ` + strings.Join(gguf.Sizes(), ", ") + `.`,
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageErrorf("testmodel: --out FILE is required")
			}
			c, err := gguf.Preset(size)
			if err != nil {
				return usageErrorf("testmodel: --size: %v", err)
			}
			if err := gguf.WriteFile(out, c); err != nil {
				return err
			}
			st, err := os.Stat(out)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "wrote %s: %s model, %d layers, embedding %d, %d parameters, %d bytes\n",
				out, size, c.Layers, c.Embedding, c.Params(), st.Size())
			return nil
		},
	}
	cmd.Flags().StringVar(&size, "size", "tiny", "model size: "+strings.Join(gguf.Sizes(), " or "))
	cmd.Flags().StringVar(&out, "out", "", "GGUF file to write")
	return cmd
}
