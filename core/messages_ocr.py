"""The catalogue's part for reading pages (issue 18): engines, clean-ups, seals (merged into core.messages)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "ocr.engine.tesseract": {"zh-CN": "Tesseract 识别", "en": "read by Tesseract"},
    "ocr.engine.rapidocr": {"zh-CN": "RapidOCR 识别", "en": "read by RapidOCR"},
    "ocr.sealed": {"zh-CN": "盖章", "en": "sealed"},
    "ocr.seal_at": {
        "zh-CN": "第 {page} 页盖有印章（位于页面横向 {x}%、纵向 {y}% 处）",
        "en": "a seal on page {page} ({x}% across, {y}% down the page)",
    },
    "ocr.step.page_found": {"zh-CN": "找到纸张边缘", "en": "page found in the photo"},
    "ocr.step.perspective": {"zh-CN": "透视校正", "en": "perspective corrected"},
    "ocr.step.border_cropped": {"zh-CN": "裁去复印黑边", "en": "copier borders cropped"},
    "ocr.step.seal_suppressed": {"zh-CN": "滤除印章红色", "en": "seal red filtered out"},
    "ocr.step.despeckled": {"zh-CN": "去除噪点", "en": "speckle removed"},
    "ocr.step.flattened": {"zh-CN": "光照均衡", "en": "lighting evened out"},
    "ui.review.customer_fuzzy": {
        "zh-CN": "客户名称按近似匹配到已有档案",
        "en": "Customer matched to a file by a near-miss of its name",
    },
    "ocr.step.plain": {"zh-CN": "原图直接识别", "en": "read from the untouched image"},
}
