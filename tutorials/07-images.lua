-- %% [markdown]
-- # Images: from PNG files to a classifier
--
-- Images usually arrive as a folder of files, one sub-folder per class.
-- This tutorial writes the classic handwritten digits (1797 images of 8x8
-- pixels, 16 grey levels; Alpaydin and Kaynak, UCI) as PNG files in that
-- layout, loads them back as a batch tensor, looks at them as a grid, and
-- trains and evaluates a classifier on the pixels.

-- %% Write the digits as PNG files
datasets = require "moonlab.datasets"
image = require "image"
ml = require "moonlab.ml"
plot = require "moonlab.plot"
local digits = datasets.load("digits")
root = os.tmpname()
os.remove(root)
for c = 0, 9 do os.execute("mkdir -p " .. root .. "/" .. c) end
for i = 1, digits.images:size(1) do
  local img = digits.images[i]:div(16):mul(255):byte()        -- 0..16 -> 0..255
  image.save(string.format("%s/%d/%04d.png", root, digits.y[i], i), img)
end
print("wrote", digits.images:size(1), "PNG files")

-- %% [markdown]
-- ## Loading a folder of images
--
-- `datasets.image_folder` reads every PNG of every class folder into one
-- `N x C x H x W` tensor (Torch7's layout), with the labels and class names.

-- %%
folder = datasets.image_folder(root, {type = "float"})
print(folder.X:size(), folder.classes[1], folder.classes[10])
assert(folder.X:size(1) == 1797 and folder.X:max() <= 1);

-- %% [markdown]
-- ## Looking at them
--
-- `image.grid` tiles a batch into one picture; `plot.image` shows it.
-- Here the first 64 images of the folder (the zeros and ones, since the
-- files are read class by class), then a random sample.

-- %%
plot.figure()
plot.image(image.grid(folder.X:narrow(1, 1, 64), {nrow = 8, padding = 1}), {title = "the first 64 images"})

-- %%
local g = torch.Generator()
torch.manualSeed(g, 3)
local pick = torch.randperm(g, folder.X:size(1)):narrow(1, 1, 64):long()
plot.figure()
plot.image(image.grid(folder.X:index(1, pick), {nrow = 8, padding = 1}), {title = "a random sample"})

-- %% [markdown]
-- ## A classifier on the pixels
--
-- Each image becomes a row of 64 numbers. A stratified split keeps a test
-- set aside; logistic regression on the standardised pixels is a strong
-- baseline for such small images.

-- %%
Xpix = folder.X:view(folder.X:size(1), -1):double()
ylab = folder.y
X_train, X_test, y_train, y_test = ml.train_test_split(Xpix, ylab, {test_size = 0.25, stratify = ylab, seed = 0})
clf = ml.make_pipeline(ml.StandardScaler{}, ml.LogisticRegression{C = 0.1, max_iter = 1000})
clf:fit(X_train, y_train)
pred = clf:predict(X_test)
acc = ml.accuracy_score(y_test, pred)
print(string.format("test accuracy %.3f", acc))
assert(acc > 0.9);

-- %%
plot.figure()
plot.confusion(ml.confusion_matrix(y_test, pred), folder.classes, {title = "digits: confusion matrix"});

-- %% [markdown]
-- ## The mistakes
--
-- The most useful picture of a classifier is the set of images it got
-- wrong.

-- %%
wrong = pred:ne(y_test:typeAs(pred))
local idx = torch.range(1, y_test:size(1))[wrong]:long()
print(idx:size(1), "mistakes out of", y_test:size(1))
if idx:size(1) > 0 then
  local imgs = X_test:index(1, idx):view(idx:size(1), 1, 8, 8)
  plot.figure()
  plot.image(image.grid(imgs, {nrow = math.min(idx:size(1), 8), padding = 1}), {title = "misclassified test images"})
end

-- %% Clean up
os.execute("rm -rf " .. root);

-- %% [markdown]
-- ## What we did
--
-- - `image.save` and `datasets.image_folder` between files and tensors;
-- - `image.grid` and `plot.image` to look at many images at once;
-- - a pipeline of `StandardScaler` and `LogisticRegression` on raw pixels,
--   evaluated on a stratified test set, with its confusion matrix and its
--   mistakes.
