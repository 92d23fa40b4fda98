"""Every chart of cnnviz as a Plotly figure, built here and only here, from plain data: the web page
draws the figure JSON the server sends, and a notebook shows the same figures.

    from cnnviz import figures
    figures.training_curves(history)          # events or epoch dicts -> loss and accuracy curves
    figures.confusion_matrix(matrix, classes) # (K, K) counts, row = true class
    figures.filters(weights)                  # first conv layer (F, C, k, k) as little pictures
"""
import json

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from plotly.utils import PlotlyJSONEncoder

TEXT = {  # "stopped": the held-out check of an epoch stopped part-way
    "en": {"loss": "loss", "accuracy": "accuracy", "train": "training (running mean)",
           "test": "held-out (end of epoch)", "stopped": "held-out (when stopped)", "images": "images seen",
           "true": "true class", "predicted": "predicted class", "filter": "filter", "epoch": "epoch"},
    "zh": {"loss": "损失", "accuracy": "准确率", "train": "训练集（滑动平均）", "test": "留出测试集（每轮结束）",
           "stopped": "留出测试集（停止时）", "images": "已看过的图片数", "true": "真实类别", "predicted": "预测类别",
           "filter": "卷积核", "epoch": "轮"},
}
LAYOUT = dict(margin=dict(l=50, r=10, t=30, b=40), template="plotly_white",
              # the legend at the figure's foot, below the axis titles whatever its rows (Plotly makes the
              # room): placed under the plot area (y=-0.25) it covered them once it wrapped, on a phone
              legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"), font=dict(size=13))


def training_curves(history, lang="en"):
    """history: the job's events (batch and epoch dicts) or just epoch dicts -> two panels, loss and
    accuracy, against images seen; training points per report, held-out points per epoch. The held-out
    check of an epoch stopped part-way is a trace of its own (the page extends trace 4 with it), so
    the legend says what it is; Plotly lists a trace in the legend once it has a point."""
    t = TEXT[lang]
    batches = [e for e in history if e.get("type") == "batch"]
    epochs = [e for e in history if e.get("type", "epoch") == "epoch"]
    per_epoch = _images_per_epoch(batches)
    x_batch = [(e["epoch"] - 1) * per_epoch + e["seen"] for e in batches]
    x_epoch = [(e["epoch"] - 1) * per_epoch + e.get("seen", per_epoch) if per_epoch else e["epoch"]
               for e in epochs]  # an epoch stopped part-way ends where it stopped
    stopped = [e.get("seen", 0) < e.get("total", 0) for e in epochs]
    done = [(x, e) for x, e, s in zip(x_epoch, epochs, stopped) if not s]
    cut = [(x, e) for x, e, s in zip(x_epoch, epochs, stopped) if s]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t["loss"], t["accuracy"]))
    fig.add_trace(go.Scatter(x=x_batch, y=[e["loss"] for e in batches], name=t["train"], mode="lines",
                             line=dict(color="#1f77b4"), legendgroup="train"), row=1, col=1)
    fig.add_trace(go.Scatter(x=x_epoch, y=[e["loss"] for e in epochs], name=t["train"], mode="markers",
                             marker=dict(color="#1f77b4"), showlegend=False, legendgroup="train"), row=1, col=1)
    fig.add_trace(go.Scatter(x=x_batch, y=[e["accuracy"] for e in batches], name=t["train"], mode="lines",
                             line=dict(color="#1f77b4"), showlegend=False, legendgroup="train"), row=1, col=2)
    fig.add_trace(go.Scatter(x=[x for x, _ in done], y=[e["test_accuracy"] for _, e in done], name=t["test"],
                             mode="lines+markers", line=dict(color="#d62728")), row=1, col=2)
    fig.add_trace(go.Scatter(x=[x for x, _ in cut], y=[e["test_accuracy"] for _, e in cut], name=t["stopped"],
                             mode="markers", marker=dict(color="#d62728", symbol="circle-open", size=9,
                                                         line=dict(width=2))), row=1, col=2)
    fig.update_xaxes(title_text=t["images"], rangemode="tozero")
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 1], tickformat=".0%", row=1, col=2)
    fig.update_layout(**LAYOUT, height=320)
    return fig


def confusion_matrix(matrix, classes, lang="en"):
    """(K, K) counts, row = true class, column = predicted -> an annotated heatmap; each cell's
    customdata is [true, predicted] so a click can ask for those images."""
    t = TEXT[lang]
    m = np.asarray(matrix)
    k = len(m)
    custom = [[[i, j] for j in range(k)] for i in range(k)]
    fig = go.Figure(go.Heatmap(z=m.tolist(), x=list(classes), y=list(classes), customdata=custom,
                               colorscale="Blues", showscale=False, text=m.astype(str).tolist(),
                               texttemplate="%{text}", xgap=1, ygap=1,
                               hovertemplate=f"{t['true']} %{{y}}<br>{t['predicted']} %{{x}}<br>%{{z}}<extra></extra>"))
    fig.update_xaxes(title_text=t["predicted"], type="category", side="top")
    fig.update_yaxes(title_text=t["true"], type="category", autorange="reversed")
    fig.update_layout(**{**LAYOUT, "margin": dict(l=60, r=10, t=60, b=10)}, height=420)
    return fig


def filters(weights, layer="conv1", lang="en"):
    """Weights (F, C, k, k) -> the first input channel of each filter as a grey heatmap, one per panel,
    each on its own symmetric scale (white = large positive, black = large negative)."""
    w = np.asarray(weights, np.float64)[:, 0]
    count = len(w)
    cols = min(count, 8)
    rows = -(-count // cols)
    fig = make_subplots(rows=rows, cols=cols, horizontal_spacing=0.02, vertical_spacing=0.06,
                        subplot_titles=[f"{layer}[{i}]" for i in range(count)])
    for i, f in enumerate(w):
        bound = float(np.abs(f).max()) or 1.0
        fig.add_trace(go.Heatmap(z=f.tolist(), zmin=-bound, zmax=bound, colorscale="Greys", reversescale=True,
                                 showscale=False, hovertemplate="%{z:.3f}<extra></extra>"),
                      row=i // cols + 1, col=i % cols + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_layout(**{**LAYOUT, "margin": dict(l=5, r=5, t=25, b=5)}, height=110 * rows + 20)
    return fig


def as_json(fig):
    """The figure as plain JSON data (what Plotly.newPlot(el, data, layout) takes)."""
    return json.loads(json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder))


def _images_per_epoch(batches):
    totals = [e["total"] for e in batches if "total" in e]
    return max(totals) if totals else 0
