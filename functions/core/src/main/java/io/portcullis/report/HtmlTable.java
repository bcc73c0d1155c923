package io.portcullis.report;

import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/** A table of the report's HTML page whose every cell is escaped ({@link Markup#escape}); a null cell reads "—". */
final class HtmlTable {

    record Column(String name, String cssClass) {
    }

    static Column col(String name) {
        return new Column(name, null);
    }

    static Column num(String name) {
        return new Column(name, "num");
    }

    static Column id(String name) {
        return new Column(name, "id");
    }

    private final List<Column> columns;
    private final StringBuilder rows = new StringBuilder();
    private final String caption;

    HtmlTable(String caption, Column... columns) {
        this.caption = caption;
        this.columns = Arrays.asList(columns);
    }

    HtmlTable row(String... cells) {
        return rowWithClass(-1, null, cells);
    }

    /** @param marked the index of a cell that also gets {@code markClass}, or −1 */
    HtmlTable rowWithClass(int marked, String markClass, String... cells) {
        return append("td", marked, markClass, cells);
    }

    /** A row of totals under the others, its first cell a row header. */
    HtmlTable totalRow(String... cells) {
        return append("th", -1, null, cells);
    }

    private HtmlTable append(String firstCell, int marked, String markClass, String... cells) {
        rows.append("<tr>");
        for (int i = 0; i < cells.length; i++) {
            StringJoiner cls = new StringJoiner(" ");
            String own = columns.get(i).cssClass();
            if (own != null) {
                cls.add(own);
            }
            if (i == marked) {
                cls.add(markClass);
            }
            String cell = i == 0 ? firstCell : "td";
            String scope = cell.equals("th") ? " scope=\"row\"" : "";
            rows.append('<').append(cell).append(scope)
                    .append(cls.length() == 0 ? "" : " class=\"" + cls + "\"").append('>')
                    .append(Markup.escape(cells[i])).append("</").append(cell).append('>');
        }
        rows.append("</tr>\n");
        return this;
    }

    String html() {
        StringBuilder t = new StringBuilder("<table>\n<caption>").append(Markup.escape(caption))
                .append("</caption>\n<thead><tr>");
        for (Column c : columns) {
            t.append(c.cssClass() == null || c.cssClass().equals("id") ? "<th scope=\"col\">"
                    : "<th scope=\"col\" class=\"" + c.cssClass() + "\">").append(Markup.escape(c.name())).append("</th>");
        }
        return t.append("</tr></thead>\n<tbody>\n").append(rows).append("</tbody>\n</table>\n").toString();
    }
}
