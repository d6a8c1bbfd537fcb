package tco

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteCatalogList prints, for each catalog (built-in names or files), its
// models, the data version it came from, its date, its oldest price's date
// and its reference model: what tcobench prices list shows.
func WriteCatalogList(w io.Writer, refs []string) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CATALOG\tMODELS\tVERSION\tCHECKED\tOLDEST PRICE\tREFERENCE MODEL\tDESCRIPTION")
	for _, ref := range refs {
		c, err := LoadCatalog(ref)
		if err != nil {
			return err
		}
		in := c.Info()
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s (%s)\t%s\t%s\n", in.Name, in.Models, dash(in.Version), in.Checked, in.Oldest, in.OldestModel, in.ReferenceModel, in.Description)
	}
	return tw.Flush()
}
