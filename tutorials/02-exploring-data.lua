-- %% [markdown]
-- # Exploring a dataset
--
-- Load a real CSV file, see what is in it, reshape it, deal with missing
-- values, group and summarise, and plot distributions and correlations.
--
-- The data: the World Bank's total fertility rate (births per woman) for 219
-- countries and territories, one column per year from 1960 to 2013. It ships
-- with moonlab (`data/datasets/fertility.csv`, CC BY 4.0, The World Bank:
-- World Development Indicators).

-- %% Load the file
local data = require "moonlab.data"
local datasets = require "moonlab.datasets"
plot = require "moonlab.plot"
df = data.read_csv(datasets.path("fertility.csv"), {header = true})
print(df:shape())

-- %% [markdown]
-- The first line of this file holds the column names, and most of them are
-- years: `1960`, `1961` ... A sniffer cannot tell such a line from data, so we
-- say `header = true`.
--
-- ## A first look
--
-- `head` shows the first rows; `info` lists each column's kind, how many
-- values are present, and the memory used.

-- %%
print(df:select({"Country Name", "Country Code", "1960", "1990", "2011"}):head(8))

-- %%
local info = df:info()

-- %% [markdown]
-- Some countries have no value for some years (NaN), and the 2012 and 2013
-- columns are empty: the file was made before those numbers were out. One year per
-- column is the "wide" layout; most analysis is easier in the "long" layout,
-- one row per country and year. `melt` turns one into the other.
--
-- ## Reshaping: wide to long

-- %%
local years = {}
for y = 1960, 2011 do years[#years + 1] = tostring(y) end
long = df:melt{id_vars = {"Country Name", "Country Code"}, value_vars = years,
  var_name = "year", value_name = "fertility"}
long = long:astype{year = "integer"}
print(long:shape())
print(long:head())

-- %% [markdown]
-- ## Missing values
--
-- How many rows lack a value, and which countries have the most gaps?

-- %%
missing = long:isna():get("fertility")
print("rows without a value:", missing:sum(), "of", long:nrows())
local gaps = long:filter(missing):value_counts("Country Name")
print(gaps:head(5))

-- %% [markdown]
-- Territories that report nothing cannot tell us anything: we drop the rows
-- without a value. (`fillna` with `"ffill"` or `"mean"` is the other choice
-- when a few values are missing inside a series.)

-- %%
clean = long:dropna{subset = {"fertility"}}
assert(clean:isna():get("fertility"):sum() == 0)
print(clean:shape())

-- %% [markdown]
-- ## Summaries
--
-- `describe` gives the usual statistics of every numeric column.

-- %%
print(clean:describe())

-- %% [markdown]
-- ## Grouping
--
-- The world's average fertility per decade, with its spread: add a decade
-- column and group by it.

-- %%
clean.decade = (clean.year / 10) * 10          -- integer division: 1987 -> 1980
by_decade = clean:group_by("decade"):agg{fertility = {"mean", "median", "min", "max", "std"}}
print(by_decade)

-- %%
local first, last = by_decade:value(1, "fertility_mean"), by_decade:value(by_decade:nrows(), "fertility_mean")
assert(last < first, "fertility fell over the period")
print(string.format("mean fertility fell from %.2f in the 1960s to %.2f in the 2010s", first, last))

-- %% [markdown]
-- ## Distributions
--
-- A histogram with a density curve, for 1960 and for 2011: the world moved
-- from one peak around six children per woman to a peak near two.

-- %%
plot.figure()
plot.dist(clean:filter(clean.year:eq(1960)).fertility, {title = "fertility in 1960", xlabel = "births per woman"})

-- %%
plot.figure()
plot.dist(clean:filter(clean.year:eq(2011)).fertility, {title = "fertility in 2011", xlabel = "births per woman"})

-- %% [markdown]
-- Box plots by decade show the whole shift at once.

-- %%
plot.figure()
plot.box(clean.fertility, {by = clean.decade, title = "fertility by decade", ylabel = "births per woman"})

-- %% [markdown]
-- ## A few countries, back to wide
--
-- `pivot` goes the other way: one row per year, one column per country.

-- %%
local picked = clean:filter(function(row)
  return row["Country Code"] == "CHN" or row["Country Code"] == "IND" or row["Country Code"] == "BRA"
    or row["Country Code"] == "NGA" or row["Country Code"] == "FRA"
end)
wide = picked:pivot{index = "year", columns = "Country Code", values = "fertility"}
print(wide:head())

-- %%
plot.figure()
local series = {}
for _, code in ipairs { "BRA", "CHN", "FRA", "IND", "NGA" } do
  series[#series + 1] = { x = wide.year, y = wide[code], label = code }
end
plot.line(series, {title = "fertility, five countries", xlabel = "year", ylabel = "births per woman"})

-- %% [markdown]
-- ## Correlations
--
-- How well does a country's fertility in one decade predict the next? The
-- correlation matrix of a few years (countries with all of them present):

-- %%
local some = df:select({"1960", "1975", "1990", "2000", "2011"}):dropna()
plot.figure()
corr = plot.corr(some)
assert(corr[1][2] > 0.5)
print(corr)

-- %% [markdown]
-- ## What we did
--
-- - `data.read_csv` read the file; `head`, `info` and `describe` showed it;
-- - `melt` and `pivot` moved between wide and long layouts;
-- - `isna`, `dropna` and `value_counts` found and removed the gaps;
-- - `group_by(...):agg{...}` summarised by decade;
-- - `plot.dist`, `plot.box`, `plot.line` and `plot.corr` drew it, straight
--   from the frame's columns.
--
-- Next: fitting models to data like this (tutorial 3, regression).
