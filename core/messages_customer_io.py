"""The catalogue's part for the customer list's analysis, import, export and catalogues (issue 12; merged
into core.messages.CATALOGUE)."""

from __future__ import annotations


def _m(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


MESSAGES: dict[str, dict[str, str]] = {
    # the analysis (客户构成分析)
    "customer_report.dimension.status": _m("客户状态", "Status"),
    "customer_report.dimension.grade": _m("客户等级", "Grade"),
    "customer_report.dimension.industry": _m("所属行业", "Industry"),
    "customer_report.dimension.region": _m("地区（省份）", "Region (province)"),
    "customer_report.dimension.kind": _m("客户类别", "Kind"),
    "customer_report.dimension.doc_type": _m("档案文件类型", "Documents by type"),
    "customer_report.dimension.month": _m("每月新建档案", "New files per month"),
    "customer_report.unset": _m("未填写", "Not recorded"),
    "customer_report.untyped": _m("未分类", "Not classified"),
    "customer_report.grade": _m("{grade} 级", "Grade {grade}"),
    "customer_report.hidden": _m("无权查看", "Not open to you"),
    "customer_report.columns": _m("维度|取值|名称|数量|占比", "Dimension|Value|Label|Count|Share"),
    "customer_report.sheet": _m("客户构成分析", "Customer composition"),
    "customer_report.summary": _m(
        "符合条件的客户档案 {total} 份，其中可查看资料的 {openable} 份；可查阅的档案文件 {documents} 件",
        "{total} customer files match, {openable} of them open to you; {documents} documents you may read",
    ),
    "customer_report.generated": _m("生成时间：{at}", "Generated: {at}"),
    "customer_report.filters": _m("筛选条件：{filters}", "Filters: {filters}"),
    "customer_report.no_filters": _m("全部", "all"),
    "customer_report.format_unknown": _m(
        "不支持的格式：{format}（可选：{known}）", "Unknown format {format} (choose from {known})"
    ),
    "ui.action.customer.analysis": _m("查看客户构成分析", "Viewed the customer analysis"),
    "ui.action.customer.export": _m("导出客户一览表", "Exported the customer list"),
    "ui.action.customer.import": _m("导入客户档案", "Imported customer files"),
    "ui.action.customer.catalogue": _m("打印卷内目录", "Printed a file's catalogue"),
    "ui.action.customer.files_catalogue": _m("打印案卷目录", "Printed the catalogue of files"),
    # the list export (客户一览表)
    "customer_export.sheet": _m("客户一览表", "Customer list"),
    "customer_export.columns": _m(
        "序号|客户名称|统一社会信用代码|状态|等级|类别|所属行业|省份|城市|所属部门|负责人|最近联系|可查阅文件数|备注",
        "No.|Name|Credit code|Status|Grade|Kind|Industry|Province|City|Department|Owner|Last contact"
        "|Documents you may read|Remarks",
    ),
    "customer_export.closed": _m("无权查看资料", "Profile not open to you"),
    "customer_export.too_many": _m(
        "一次最多导出 {limit} 份客户档案（符合条件的有 {count} 份），请缩小筛选范围",
        "At most {limit} customer files per export ({count} match); narrow the filters",
    ),
    # the import
    "customer_import.sheet": _m("客户档案", "Customer files"),
    "customer_import.in_yuan": _m("（元）", " (yuan)"),
    "customer_import.example_name": _m(
        "上海明远贸易有限公司（示例，请替换）", "Example Trading Co. (replace me)"
    ),
    "customer_import.column.contact_name": _m("联系人", "Contact"),
    "customer_import.column.contact_title": _m("联系人职务", "Contact's title"),
    "customer_import.column.contact_phones": _m("联系人电话", "Contact's phones"),
    "customer_import.column.contact_email": _m("联系人邮箱", "Contact's e-mail"),
    "customer_import.column.contact_birthday": _m("联系人生日", "Contact's birthday"),
    "customer_import.empty": _m(
        "文件是空的：没有标题行或没有数据行", "The file is empty: no heading row or no data rows"
    ),
    "customer_import.too_large": _m(
        "文件过大：最多 {limit_mb} MB（解压后也有上限）",
        "The file is too large: at most {limit_mb} MB (and a limit on what it unpacks to)",
    ),
    "customer_import.too_many_rows": _m(
        "行数过多：一个文件最多 {limit} 行，请分成几个文件导入",
        "Too many rows: at most {limit} per file; split it into several files",
    ),
    "customer_import.old_excel": _m(
        "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再导入",
        "Old Excel (.xls) files are not supported; save it as .xlsx or CSV first",
    ),
    "customer_import.not_spreadsheet": _m(
        "无法读取：文件不是 XLSX 或 CSV 表格（CSV 须为 UTF-8 或 GBK 编码）",
        "Cannot read it: the file is not an XLSX or CSV table (CSV in UTF-8 or GBK)",
    ),
    "customer_import.no_name_column": _m(
        "第一行没有“{name}”列：请使用导入模板的标题行",
        'The first row has no column "{name}": use the headings of the import template',
    ),
    "customer_import.formula": _m(
        "“{field_zh}”是公式：不接受公式，请填写数值",
        "{field_en} holds a formula: formulas are not accepted, give the value",
    ),
    "customer_import.name_missing": _m("缺少客户名称", "The customer's name is missing"),
    "customer_import.contact_name_missing": _m(
        "填写了联系人信息，但缺少联系人姓名", "Contact details are given without the contact's name"
    ),
    "customer_import.duplicate_in_file": _m(
        "与本文件第 {row} 行重复（同名或同一统一社会信用代码）",
        "Duplicates row {row} of this file (same name or unified social credit code)",
    ),
    "customer_import.not_imported": _m(
        "文件中有错误行，全部未导入：请改正后重新导入",
        "The file has rows in error, so nothing was imported: correct them and import again",
    ),
    "customer_import.upload_gone": _m(
        "待确认的导入文件已失效，请重新上传", "The file waiting for confirmation is gone; upload it again"
    ),
    "customer_import.status.ok": _m("可导入", "ready"),
    "customer_import.status.created": _m("已导入", "imported"),
    "customer_import.status.error": _m("有错误", "error"),
    # the catalogues (卷内目录, 案卷目录)
    "catalogue.file_title": _m("卷内目录", "Catalogue of the file"),
    "catalogue.file_header": _m("案卷号：{number}    客户：{name}", "File no.: {number}    Customer: {name}"),
    "catalogue.columns": _m(
        "序号|档号|题名|责任者|日期|页数|密级|备注",
        "No.|Archive no.|Title|Responsible party|Date|Pages|Level|Remarks",
    ),
    "catalogue.closed": _m("（无权查阅）", "(not open to you)"),
    "catalogue.ask": _m("可申请查阅", "Ask for access"),
    "catalogue.destroyed": _m("已销毁", "Destroyed"),
    "catalogue.page": _m("第 {page} 页 / 共 {pages} 页", "Page {page} of {pages}"),
    "catalogue.files_title": _m("案卷目录", "Catalogue of files"),
    "catalogue.files_header": _m("共 {count} 卷    制表日期：{at}", "{count} files    Made on {at}"),
    "catalogue.files_columns": _m(
        "序号|案卷号|客户名称|状态|所属部门|文件数|页数|起止日期|备注",
        "No.|File no.|Customer|Status|Department|Documents|Pages|Dates|Remarks",
    ),
    # the pages
    "ui.customers_io.analysis": _m("客户构成分析", "Customer composition"),
    "ui.customers_io.analysis_rule": _m(
        "状态和每月新建数包括所有符合条件的档案；等级、行业、地区和类别只统计您可查看资料的档案，其余计为“无权查看”；"
        "文件类型只统计您可查阅的文件。",
        "Status and new files per month count every matching file; grade, industry, region and kind count only "
        'files open to you, the others as "not open to you"; document types count only documents you may read.',
    ),
    "ui.customers_io.back_to_list": _m("返回客户一览表", "Back to the list"),
    "ui.customers_io.download_csv": _m("下载 CSV", "Download CSV"),
    "ui.customers_io.download_xlsx": _m("下载 Excel", "Download Excel"),
    "ui.customers_io.value": _m("取值", "Value"),
    "ui.customers_io.count": _m("数量", "Count"),
    "ui.customers_io.share": _m("占比", "Share"),
    "ui.customers_io.nothing": _m("没有数据", "Nothing to count"),
    "ui.customers_io.import": _m("导入客户档案", "Import customer files"),
    "ui.customers_io.import_hint": _m(
        "上传 XLSX 或 CSV 文件（第一行为标题，可用导入模板）。先检查每一行，确认后一次全部导入；有任何错误行则全部不导入。",
        "Upload an XLSX or CSV file (headings in the first row, as in the template). Every row is checked first; "
        "on confirmation all are imported at once, and none if any row has an error.",
    ),
    "ui.customers_io.template": _m("下载导入模板", "Download the template"),
    "ui.customers_io.file": _m("表格文件", "Spreadsheet"),
    "ui.customers_io.check": _m("检查", "Check"),
    "ui.customers_io.row": _m("行号", "Row"),
    "ui.customers_io.status": _m("结果", "Result"),
    "ui.customers_io.reason": _m("原因", "Reason"),
    "ui.customers_io.ready": _m("共 {count} 行，全部可以导入", "{count} rows, all ready to import"),
    "ui.customers_io.has_errors": _m(
        "{count} 行有错误：请改正后重新上传", "{count} rows have errors: correct them and upload again"
    ),
    "ui.customers_io.imported": _m("已导入 {count} 份客户档案", "{count} customer files imported"),
    "ui.customers_io.confirm": _m("确认导入 {count} 份", "Import all {count}"),
    "ui.customers_io.export": _m("导出 Excel", "Export to Excel"),
    "ui.customers_io.files_catalogue": _m("打印案卷目录", "Print the catalogue of files"),
    "ui.customers_io.catalogue_pdf": _m("打印卷内目录（PDF）", "Print the file's catalogue (PDF)"),
    "ui.customers_io.catalogue_xlsx": _m("卷内目录（Excel）", "File catalogue (Excel)"),
}
