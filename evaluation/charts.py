"""Server-rendered SVG bar charts (no JavaScript) with a text alternative."""

COLOURS = ["#b02a37", "#e07b39", "#c9a227", "#5b9a4d", "#1e6b34"]


def distribution(counts, *, width=320, bar=22, gap=6, labels=("1", "2", "3", "4", "5")):
    top = max(counts) or 1
    rows = []
    for i, (label, count) in enumerate(zip(labels, counts, strict=True)):
        length = round((width - 90) * count / top)
        y = i * (bar + gap)
        rows.append({"label": label, "count": count, "x": 40, "y": y, "width": length,
                     "height": bar, "colour": COLOURS[i], "text_x": 40 + length + 6,
                     "text_y": y + bar - 6, "label_y": y + bar - 6})
    return {"rows": rows, "width": width, "height": len(rows) * (bar + gap)}


def before_after(change, *, width=360, bar=16, gap=10):
    rows = []
    scale = (width - 120) / 5
    for i, row in enumerate(change):
        y = i * (2 * bar + gap)
        rows.append({"label": f"Module {row['module'].number}", "y": y,
                     "before": row["before"], "after": row["after"],
                     "before_w": round((row["before"] or 0) * scale),
                     "after_w": round((row["after"] or 0) * scale),
                     "after_y": y + bar, "text_y": y + bar - 3, "after_text_y": y + 2 * bar - 3,
                     "before_text_x": 90 + round((row["before"] or 0) * scale) + 4,
                     "after_text_x": 90 + round((row["after"] or 0) * scale) + 4})
    return {"rows": rows, "width": width, "height": max(len(rows) * (2 * bar + gap), 1),
            "bar": bar}


def with_charts(blocks):
    """The result blocks with a chart (and its element id) beside each distribution."""
    for b_index, block in enumerate(blocks):
        for i_index, item in enumerate(block["items"]):
            item["cid"] = f"chart-{b_index}-{i_index}"
            if item.get("dist"):
                item["chart"] = distribution(item["dist"])
            for row in item.get("modules", []):
                row["chart"] = distribution(row["dist"])
    return blocks
